import { useState } from 'preact/hooks';
import { ApiError, call, type Role, session } from '../api.ts';
import { ErrorNotice, Field } from '../ui.tsx';

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
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  return (
    <main class="signin">
      <h1>Eye console</h1>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            session.save(token.trim(), await roleOf(token.trim()));
            onSignedIn();
          } catch (err) {
            setError(
              err instanceof ApiError && err.status === 401
                ? new Error('That token is not valid here.')
                : err,
            );
          } finally {
            setBusy(false);
          }
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
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <ErrorNotice error={error} />
      </form>
    </main>
  );
};
