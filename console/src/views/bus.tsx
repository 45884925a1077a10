import { useState } from 'preact/hooks';
import { call, type Page } from '../api.ts';
import { Bars, type Series, TimeChart } from '../chart.tsx';
import { daysAgo, number, utc } from '../format.ts';
import {
  ErrorNotice,
  Field,
  Form,
  Progress,
  RangeFields,
  Table,
  useAction,
  useLoad,
  usePoll,
} from '../ui.tsx';

interface Job {
  job_id: string;
  date: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  cities_total: number;
  cities_done: number;
  cities_failed: number[];
  records: number;
  bytes: number;
  created_at: string;
  finished_at: string | null;
}

interface CountryStat {
  date: string;
  country: string;
  buses_started: number;
  total_passengers: number;
  accident: boolean;
  average_delay_minutes: number;
}

interface CountryStats {
  from: string;
  to: string;
  stats: CountryStat[];
  missing_dates: string[];
}

const METRICS = {
  total_passengers: 'total passengers',
  buses_started: 'buses started',
  average_delay_minutes: 'average delay (minutes)',
} as const;
type Metric = keyof typeof METRICS;

const finished = (job: Job) => job.status === 'succeeded' || job.status === 'failed';

const JobRow = ({ job }: { job: Job }) => (
  <tr>
    <td>{job.date}</td>
    <td>
      <span class={`status ${job.status}`}>{job.status}</span>
    </td>
    <td>
      <Progress
        label={`Cities fetched for ${job.date}`}
        value={job.cities_done + job.cities_failed.length}
        max={job.cities_total}
      />
    </td>
    <td>{job.cities_failed.length ? job.cities_failed.join(', ') : '—'}</td>
    <td class="num">{number(job.records)}</td>
    <td class="nowrap">{utc(job.created_at)}</td>
  </tr>
);

const Jobs = () => {
  const [date, setDate] = useState(daysAgo(1));
  // Jobs started from this tab, polled by id: the list may not show a job the moment it is created.
  const [mine, setMine] = useState<Job[]>([]);
  const action = useAction();
  const listed = useLoad(
    async () => (await call<Page<Job>>('GET', '/process-request', { query: { limit: 20 } })).items,
    [],
  );
  const active = mine.some((j) => !finished(j)) || (listed.data ?? []).some((j) => !finished(j));
  usePoll(
    async () => {
      setMine(
        await Promise.all(
          mine.map((j) => (finished(j) ? j : call<Job>('GET', `/process-request/${j.job_id}`))),
        ),
      );
      if (listed.data) await listed.run();
    },
    1000,
    active,
  );
  const byId = new Map([...(listed.data ?? []), ...mine].map((j) => [j.job_id, j]));
  const jobs = [...byId.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
  return (
    <>
      <Form
        onSubmit={() =>
          action.run(async () => {
            const job = await call<Job>('POST', '/process-request', { query: { date } });
            const full = await call<Job>('GET', `/process-request/${job.job_id}`);
            setMine([full, ...mine.filter((j) => j.job_id !== full.job_id)]);
          })
        }
      >
        <Field label="Date to fetch">
          <input
            name="date"
            type="date"
            required
            value={date}
            onInput={(e) => setDate(e.currentTarget.value)}
          />
        </Field>
        <button type="submit">Fetch this date</button>
      </Form>
      <ErrorNotice error={action.error ?? listed.error} />
      {jobs.length ? (
        <Table
          caption="Fetch jobs, newest first"
          headers={['date', 'status', 'cities', 'failed cities', 'departures', 'created (UTC)']}
        >
          {jobs.map((j) => (
            <JobRow key={j.job_id} job={j} />
          ))}
        </Table>
      ) : null}
    </>
  );
};

const Stats = () => {
  const [range, setRange] = useState({ from: daysAgo(7), to: daysAgo(1) });
  const [applied, setApplied] = useState(range);
  const [metric, setMetric] = useState<Metric>('total_passengers');
  const { data, error, loading, run } = useLoad(
    () => call<CountryStats>('GET', '/country-stats', { query: applied }),
    [applied],
  );
  const dates = [...new Set((data?.stats ?? []).map((s) => s.date))].sort();
  const countries = [...new Set((data?.stats ?? []).map((s) => s.country))].sort();
  const cell = new Map((data?.stats ?? []).map((s) => [`${s.date}|${s.country}`, s]));
  const series: Series[] = countries.map((c) => ({
    label: c,
    values: dates.map((d) => cell.get(`${d}|${c}`)?.[metric] ?? null),
  }));
  return (
    <>
      <h2>Country statistics</h2>
      <Form
        onSubmit={() => {
          setApplied({ ...range });
          run();
        }}
      >
        <RangeFields
          value={range}
          onChange={setRange}
          kind="date"
          labels={['From', 'To (inclusive)']}
          required
        />
        <Field label="Chart">
          <select value={metric} onChange={(e) => setMetric(e.currentTarget.value as Metric)}>
            {Object.entries(METRICS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit">Show statistics</button>
      </Form>
      <ErrorNotice error={error} />
      {loading && <p class="meta">Computing from the stored files…</p>}
      {data?.missing_dates.length ? <p class="meta">No data for {data.missing_dates.join(', ')}.</p> : null}
      {dates.length ? (
        <>
          {dates.length === 1 ? (
            <Bars
              title={`${METRICS[metric]} by country on ${dates[0]}`}
              bars={countries.map((c) => ({ label: c, value: cell.get(`${dates[0]}|${c}`)?.[metric] ?? 0 }))}
            />
          ) : (
            <TimeChart
              title={`${METRICS[metric]} by country and date`}
              x={dates.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000)}
              series={series}
            />
          )}
          <Table
            caption="Statistics by date and country"
            headers={['date', 'country', 'buses started', 'passengers', 'accident', 'average delay (min)']}
          >
            {data!.stats.map((s) => (
              <tr key={`${s.date}|${s.country}`}>
                <td>{s.date}</td>
                <td>{s.country}</td>
                <td class="num">{number(s.buses_started)}</td>
                <td class="num">{number(s.total_passengers)}</td>
                <td>{s.accident ? 'yes' : 'no'}</td>
                <td class="num">{number(s.average_delay_minutes)}</td>
              </tr>
            ))}
          </Table>
        </>
      ) : null}
    </>
  );
};

export const BusView = () => (
  <section aria-labelledby="bus-title">
    <h1 id="bus-title">Bus</h1>
    <Jobs />
    <Stats />
  </section>
);
