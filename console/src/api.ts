// Every call goes to the public API with the token the user signed in with; the console has no other
// power. The token lives in sessionStorage: it is gone when the tab closes.

const TOKEN_KEY = 'eye.console.token';
const ROLE_KEY = 'eye.console.role';

export type Role = 'admin' | 'application';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  role: () => sessionStorage.getItem(ROLE_KEY) as Role | null,
  save(token: string, role: Role) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(ROLE_KEY, role);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ROLE_KEY);
  },
};

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown[];
  constructor(status: number, code: string, message: string, details: unknown[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

// The page is served at /console: a path relative to it lands on the API, whatever the stage prefix.
const apiUrl = (path: string) => new URL(path.replace(/^\//, ''), document.baseURI).toString();

export type Query = Record<string, string | number | boolean | undefined | null>;

const withQuery = (path: string, query: Query = {}) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
};

export const call = async <T>(
  method: string,
  path: string,
  options: { query?: Query; body?: unknown; token?: string } = {},
): Promise<T> => {
  const token = options.token ?? session.token();
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(apiUrl(withQuery(path, options.query)), {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body:
    | { error?: { code?: string; message?: string; details?: unknown[] }; message?: string }
    | undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const error = body?.error;
    throw new ApiError(
      res.status,
      error?.code ?? 'http_error',
      error?.message ?? body?.message ?? `${method} ${path} answered ${res.status}`,
      error?.details ?? [],
    );
  }
  return body as T;
};

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Follows cursors until the list ends or `maxItems` is reached. */
export const collect = async <T>(path: string, query: Query, maxItems = 5000): Promise<T[]> => {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await call<Page<T>>('GET', path, { query: { ...query, limit: 1000, cursor } });
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor && items.length < maxItems);
  return items;
};

export const describeError = (err: unknown) => {
  if (err instanceof ApiError) {
    const details = err.details
      .map((d) => d as { path?: string; message?: string } | null)
      .map((d) => (d?.path !== undefined ? `${d.path}: ${d.message}` : (d?.message ?? '')))
      .filter(Boolean);
    return `${err.status} ${err.code}: ${err.message}${details.length ? ` (${details.join('; ')})` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
};
