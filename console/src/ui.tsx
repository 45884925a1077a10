import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from './api.ts';

export const Notice = ({ kind, children }: { kind: 'error' | 'info'; children: ComponentChildren }) => (
  <p class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
    {children}
  </p>
);

export const ErrorNotice = ({ error }: { error: unknown }) =>
  error ? <Notice kind="error">{describeError(error)}</Notice> : null;

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
