import { useState } from 'preact/hooks';
import { call, collect, describeError, isMissingRoute } from '../api.ts';
import { type Series, TimeChart } from '../chart.tsx';
import { fromLocalInput, utc } from '../format.ts';
import { ErrorNotice, Field, Json, Notice, RangeFields, useLoad, usePoll } from '../ui.tsx';

interface ErrorItem {
  id: string;
  application_id: string;
  code: string;
  message: string;
  received_at: string;
  event: unknown;
}

interface Summary {
  total: number;
  by_code: Record<string, number>;
  series?: { start: string; by_code: Record<string, number> }[];
}

interface Replay {
  replay_id: string;
  status: string;
  matched: number;
  replayed: number;
  still_failing: number;
}

const CODES = [
  'invalid_envelope',
  'unknown_event_type',
  'invalid_payload',
  'invalid_timestamp',
  'future_timestamp',
];
const HOUR = 3_600_000;

// The summary takes whole hours, at most 31 days apart: the last `hours` up to the end of this hour.
const summaryRange = (hours: number) => {
  const to = Math.ceil(Date.now() / HOUR) * HOUR;
  return { from: new Date(to - hours * HOUR).toISOString(), to: new Date(to).toISOString() };
};

const loadSummary = async (hours: number) => {
  try {
    return await call<Summary>('GET', '/errors/summary', {
      query: { ...summaryRange(hours), interval: hours > 72 ? 'day' : 'hour' },
    });
  } catch (err) {
    if (isMissingRoute(err)) return undefined;
    throw err;
  }
};

const SummaryChart = ({ hours }: { hours: number }) => {
  const { data, error, loading } = useLoad(() => loadSummary(hours), [hours]);
  if (error) return <ErrorNotice error={error} />;
  if (loading && !data) return <p class="meta">Loading the error summary…</p>;
  if (!data)
    return (
      <Notice kind="info">
        Counts over time are not available: this stack has no <code>GET /errors/summary</code> yet (it
        answered 404). The list below still works.
      </Notice>
    );
  const points = data.series ?? [];
  const codes = Object.keys(data.by_code).sort();
  const series: Series[] = codes.map((code) => ({
    label: code,
    values: points.map((p) => p.by_code[code] ?? 0),
  }));
  return (
    <>
      <p class="meta">
        {data.total} error{data.total === 1 ? '' : 's'} in the last {hours} h:{' '}
        {codes.map((c) => `${c} ${data.by_code[c]}`).join(', ') || 'none'}
      </p>
      {points.length && codes.length ? (
        <TimeChart
          title="Errors by code over time"
          x={points.map((p) => Date.parse(p.start) / 1000)}
          series={series}
        />
      ) : null}
    </>
  );
};

const ReplayButton = ({ code, from, to }: { code?: string; from?: string; to?: string }) => {
  const [replay, setReplay] = useState<Replay>();
  const [error, setError] = useState<unknown>();
  const running = replay !== undefined && (replay.status === 'queued' || replay.status === 'running');
  usePoll(
    async () => {
      if (replay)
        setReplay(await call<Replay>('GET', `/errors/replay/${encodeURIComponent(replay.replay_id)}`));
    },
    1000,
    running,
  );
  return (
    <div class="replay">
      <button
        type="button"
        disabled={running}
        onClick={async () => {
          setError(undefined);
          try {
            setReplay(await call<Replay>('POST', '/errors/replay', { body: { code, from, to } }));
          } catch (err) {
            setError(isMissingRoute(err) ? new Error('Replay is not available on this stack (404).') : err);
          }
        }}
      >
        Replay the errors of these filters
      </button>
      {replay && (
        <span role="status">
          replay {replay.status}: {replay.replayed ?? 0} replayed, {replay.still_failing ?? 0} still failing
          of {replay.matched ?? 0}
        </span>
      )}
      {error ? <span class="inline-error">{describeError(error)}</span> : null}
    </div>
  );
};

export const ErrorsView = () => {
  const [hours, setHours] = useState(24);
  const [form, setForm] = useState({ code: '', from: '', to: '' });
  const [applied, setApplied] = useState(form);
  const query = { code: applied.code, from: fromLocalInput(applied.from), to: fromLocalInput(applied.to) };
  const list = useLoad(() => collect<ErrorItem>('/errors', query, 500), [applied]);
  return (
    <section aria-labelledby="errors-title">
      <h1 id="errors-title">Errors</h1>
      <Field label="Summary range">
        <select value={hours} onChange={(e) => setHours(Number(e.currentTarget.value))}>
          <option value={6}>last 6 hours</option>
          <option value={24}>last 24 hours</option>
          <option value={168}>last 7 days</option>
          <option value={744}>last 31 days</option>
        </select>
      </Field>
      <SummaryChart hours={hours} />
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ ...form });
        }}
      >
        <Field label="Code">
          <select
            name="code"
            value={form.code}
            onChange={(e) => setForm({ ...form, code: e.currentTarget.value })}
          >
            <option value="">any code</option>
            {CODES.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </Field>
        <RangeFields
          value={form}
          onChange={setForm}
          kind="datetime-local"
          labels={['Received from (UTC)', 'Received before (UTC)']}
        />
        <button type="submit">Search</button>
        <button type="button" onClick={() => list.run()}>
          Refresh
        </button>
      </form>
      <ReplayButton code={query.code || undefined} from={query.from} to={query.to} />
      <ErrorNotice error={list.error} />
      <p class="meta" aria-live="polite">
        {list.loading ? 'Loading…' : `${list.data?.length ?? 0} error(s), newest first`}
      </p>
      <ul class="errors">
        {(list.data ?? []).map((e) => (
          <li key={e.id}>
            <details>
              <summary>
                <span class="code">{e.code}</span> <span class="reason">{e.message}</span>{' '}
                <span class="meta">{utc(e.received_at)}</span>
              </summary>
              <p>The event as it was sent:</p>
              <pre>
                <Json value={e.event} />
              </pre>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
};
