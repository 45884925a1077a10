import { useState } from 'preact/hooks';
import { call, collect, describeError, session } from '../api.ts';
import { type Series, TimeChart } from '../chart.tsx';
import { fromLocalInput, utc } from '../format.ts';
import { ErrorNotice, Field, Form, Json, RangeFields, useAction, useLoad, usePoll } from '../ui.tsx';

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
  replayed: number;
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
  const to = (Math.floor(Date.now() / HOUR) + 1) * HOUR;
  return { from: new Date(to - hours * HOUR).toISOString(), to: new Date(to).toISOString() };
};

const SummaryChart = ({
  hours,
  applicationId,
  round,
}: {
  hours: number;
  applicationId?: string;
  round: number;
}) => {
  const { data, error, loading } = useLoad(
    () =>
      call<Summary>('GET', '/errors/summary', {
        query: {
          ...summaryRange(hours),
          interval: hours > 72 ? 'day' : 'hour',
          application_id: applicationId,
        },
      }),
    [hours, applicationId, round],
  );
  if (error) return <ErrorNotice error={error} />;
  if (!data) return loading ? <p class="meta">Loading the error summary…</p> : null;
  const points = data.series ?? [];
  const codes = Object.keys(data.by_code).sort();
  const series: Series[] = codes.map((code) => ({
    label: code,
    values: points.map((p) => p.by_code[code] ?? 0),
  }));
  return (
    <>
      <p class="meta" role="status" aria-label="Error summary">
        {data.total} error{data.total === 1 ? '' : 's'} in the last {hours} h:{' '}
        {codes.map((c) => `${c} ${data.by_code[c]}`).join(', ') || 'none'}
        {data.replayed ? ` (${data.replayed} since replayed)` : ''}
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

interface ReplayFilters {
  code?: string;
  from?: string;
  to?: string;
  application_id?: string;
}

const ongoing = (replay: Replay | undefined) =>
  replay !== undefined && (replay.status === 'queued' || replay.status === 'running');

/** Starts a replay of the filters and follows it; `onFinished` reloads what the replay changed. */
const ReplayButton = ({ filters, onFinished }: { filters: ReplayFilters; onFinished: () => void }) => {
  const [replay, setReplay] = useState<Replay>();
  const action = useAction();
  const running = ongoing(replay);
  usePoll(
    async () => {
      if (!replay) return;
      const next = await call<Replay>('GET', `/errors/replay/${encodeURIComponent(replay.replay_id)}`);
      setReplay(next);
      if (!ongoing(next)) onFinished();
    },
    1000,
    running,
  );
  return (
    <div class="replay">
      <button
        type="button"
        disabled={running}
        onClick={() =>
          action.run(async () => setReplay(await call<Replay>('POST', '/errors/replay', { body: filters })))
        }
      >
        Replay the errors of these filters
      </button>
      {replay && (
        <span role="status">
          replay {replay.status}: {replay.replayed ?? 0} replayed, {replay.still_failing ?? 0} still failing
          of {replay.matched ?? 0}
        </span>
      )}
      {action.error ? <span class="inline-error">{describeError(action.error)}</span> : null}
    </div>
  );
};

interface Application {
  id: string;
  name: string;
}

export const ErrorsView = () => {
  const admin = session.role() === 'admin';
  const [hours, setHours] = useState(24);
  const [form, setForm] = useState({ code: '', from: '', to: '', application_id: '' });
  const [applied, setApplied] = useState(form);
  // Search and Refresh reload the summary too: both count the same records.
  const [round, setRound] = useState(0);
  const applications = useLoad(
    async () => (admin ? collect<Application>('/applications', {}, 1000) : []),
    [admin],
  );
  const query = {
    code: applied.code || undefined,
    from: fromLocalInput(applied.from),
    to: fromLocalInput(applied.to),
    application_id: applied.application_id || undefined,
  };
  const list = useLoad(() => collect<ErrorItem>('/errors', query, 500), [applied, round]);
  return (
    <section aria-labelledby="errors-title">
      <h1 id="errors-title">Errors</h1>
      <Form
        onSubmit={() => {
          setApplied({ ...form });
          setRound(round + 1);
        }}
      >
        {admin ? (
          <Field label="Application">
            <select
              name="application_id"
              value={form.application_id}
              onChange={(e) => setForm({ ...form, application_id: e.currentTarget.value })}
            >
              <option value="">every application</option>
              {(applications.data ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
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
        <button type="button" onClick={() => setRound(round + 1)}>
          Refresh
        </button>
      </Form>
      <ErrorNotice error={applications.error} />
      <h2>Counts by code</h2>
      <Field label="Summary range">
        <select value={hours} onChange={(e) => setHours(Number(e.currentTarget.value))}>
          <option value={6}>last 6 hours</option>
          <option value={24}>last 24 hours</option>
          <option value={168}>last 7 days</option>
          <option value={744}>last 31 days</option>
        </select>
      </Field>
      <SummaryChart hours={hours} applicationId={query.application_id} round={round} />
      <h2>Records</h2>
      <ReplayButton filters={query} onFinished={() => setRound((r) => r + 1)} />
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
