import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, describeError } from './api.ts';

export const Notice = ({ kind, children }: { kind: 'error' | 'info'; children: ComponentChildren }) => (
  <p class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
    {children}
  </p>
);

/** An API error with its details one per line: a rejected schema or body says where and why. */
export const ErrorNotice = ({ error }: { error: unknown }) => {
  if (!error) return null;
  if (!(error instanceof ApiError) || !error.details.length)
    return <Notice kind="error">{describeError(error)}</Notice>;
  return (
    <div class="notice error" role="alert">
      {error.status} {error.code}: {error.message}
      <ul>
        {error.details.map((d, i) => {
          const { path, message, ...rest } = (d ?? {}) as { path?: string; message?: string };
          return (
            <li key={i}>
              {path !== undefined ? <code>{path || '(root)'}</code> : null} {message ?? JSON.stringify(rest)}
            </li>
          );
        })}
      </ul>
    </div>
  );
};

/** A form of the `filters` kind that never navigates: submitting runs `onSubmit`. */
export const Form = ({
  onSubmit,
  children,
  label,
}: {
  onSubmit: () => unknown;
  children: ComponentChildren;
  label?: string;
}) => (
  <form
    class="filters"
    aria-label={label}
    onSubmit={(e) => {
      e.preventDefault();
      onSubmit();
    }}
  >
    {children}
  </form>
);

/** A table with its caption and column headers; `headers` entries that are nodes (a hidden label) pass as is. */
export const Table = ({
  caption,
  headers,
  children,
}: {
  caption: ComponentChildren;
  headers: ComponentChildren[];
  children: ComponentChildren;
}) => (
  <table>
    <caption>{caption}</caption>
    <thead>
      <tr>
        {headers.map((h, i) => (
          <th key={i} scope="col">
            {h}
          </th>
        ))}
      </tr>
    </thead>
    <tbody>{children}</tbody>
  </table>
);

/** Runs one user action at a time, keeping its error (cleared when the next one starts). */
export const useAction = () => {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    setBusy(true);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
};

/**
 * The two inputs of a `from`/`to` range, bound to `value.from` and `value.to`: dates, or UTC date-times
 * to the second.
 */
export const RangeFields = <T extends { from: string; to: string }>({
  value,
  onChange,
  kind,
  labels,
  required = false,
}: {
  value: T;
  onChange: (next: T) => void;
  kind: 'date' | 'datetime-local';
  labels: [string, string];
  required?: boolean;
}) => (
  <>
    {(['from', 'to'] as const).map((end, i) => (
      <Field key={end} label={labels[i]!}>
        <input
          name={end}
          type={kind}
          step={kind === 'datetime-local' ? 1 : undefined}
          required={required}
          value={value[end]}
          onInput={(e) => onChange({ ...value, [end]: e.currentTarget.value })}
        />
      </Field>
    ))}
  </>
);

export const Field = ({
  label,
  children,
  hint,
}: {
  label: string;
  children: ComponentChildren;
  hint?: string;
}) => (
  // biome-ignore lint/a11y/noLabelWithoutControl: the control is the child, inside the label
  <label class="field">
    <span>{label}</span>
    {children}
    {hint && <small>{hint}</small>}
  </label>
);

export const Progress = ({ label, value, max }: { label: string; value: number; max: number }) => (
  <div class="progress">
    <progress aria-label={label} value={value} max={max || 1} />
    <span>
      {value} / {max} {max ? `(${Math.round((100 * value) / max)} %)` : ''}
    </span>
  </div>
);

export const Json = ({ value }: { value: unknown }) => <code class="json">{JSON.stringify(value)}</code>;

/** Runs `load`; `run()` runs it again. The last answer wins, so a slow old request cannot overwrite a new one. */
export const useLoad = <T,>(load: () => Promise<T>, deps: unknown[]) => {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const seq = useRef(0);
  const run = useCallback(async () => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await load();
      if (mine === seq.current) setState({ data, loading: false });
    } catch (error) {
      if (mine === seq.current) setState({ error, loading: false });
    }
  }, deps);
  useEffect(() => {
    run();
  }, [run]);
  return { ...state, run };
};

/** Calls `tick` every `ms` while `active`, never two at once. */
export const usePoll = (tick: () => Promise<unknown>, ms: number, active: boolean) => {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const loop = async () => {
      await latest.current().catch(() => undefined);
      if (!stopped) timer = setTimeout(loop, ms);
    };
    loop();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [ms, active]);
};
