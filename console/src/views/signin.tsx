import { useState } from 'preact/hooks';
import { ApiError, call, type Role, session } from '../api.ts';
import { ErrorNotice, Field, useAction } from '../ui.tsx';

// Only the admin may list applications: 200 is the admin token, 403 a valid application key, 401 neither.
const roleOf = async (token: string): Promise<Role> => {
  try {
    await call('GET', '/applications', { query: { limit: 1 }, token });
    return 'admin';
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) return 'application';
    throw err;
  }
};

export const SignIn = ({ onSignedIn }: { onSignedIn: () => void }) => {
  const [token, setToken] = useState('');
  const action = useAction();
  return (
    <main class="signin">
      <h1>Eye console</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          action.run(async () => {
            const role = await roleOf(token.trim()).catch((err) => {
              throw err instanceof ApiError && err.status === 401
                ? new Error('That token is not valid here.')
                : err;
            });
            session.save(token.trim(), role);
            onSignedIn();
          });
        }}
      >
        <Field label="Admin token or application API key" hint="Kept for this tab only (sessionStorage).">
          <input
            name="token"
            type="password"
            autocomplete="off"
            required
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </Field>
        <button type="submit" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
        <ErrorNotice error={action.error} />
      </form>
    </main>
  );
};
