import { PALETTE } from '../chart.tsx';
import { type EyeEventItem, sessionEvents } from '../events.ts';
import { duration, utc } from '../format.ts';
import { findGaps } from '../timeline.ts';
import { ErrorNotice, Json, Table, useLoad } from '../ui.tsx';

const W = 900;
const H = 90;
const PAD = 20;

const Timeline = ({ events }: { events: EyeEventItem[] }) => {
  const times = events.map((e) => Date.parse(e.timestamp));
  const start = times[0]!;
  const span = Math.max(1, times[times.length - 1]! - start);
  const x = (t: number) => PAD + ((W - 2 * PAD) * (t - start)) / span;
  const types = [...new Set(events.map((e) => `${e.category} / ${e.name}`))];
  const gaps = findGaps(times);
  return (
    <figure class="timeline">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Timeline of ${events.length} events over ${duration(span)}, ${gaps.length} gap(s)`}
      >
        {gaps.map((g) => (
          <g key={g.after} class="gap">
            <rect x={x(g.startMs)} y={10} width={x(g.endMs) - x(g.startMs)} height={50} />
            <text x={(x(g.startMs) + x(g.endMs)) / 2} y={78} text-anchor="middle">
              gap {duration(g.endMs - g.startMs)}
            </text>
          </g>
        ))}
        <line x1={PAD} y1={35} x2={W - PAD} y2={35} stroke="#555" />
        {events.map((e, i) => (
          <circle
            key={e.id}
            cx={x(times[i]!)}
            cy={35}
            r={6}
            fill={PALETTE[types.indexOf(`${e.category} / ${e.name}`) % PALETTE.length]}
          >
            <title>
              {utc(e.timestamp)} {e.category} / {e.name}
            </title>
          </circle>
        ))}
      </svg>
      <figcaption>
        {types.map((t, i) => (
          <span key={t} class="legend">
            <i style={{ background: PALETTE[i % PALETTE.length] }} /> {t}
          </span>
        ))}
      </figcaption>
    </figure>
  );
};

export const SessionView = ({ sessionId }: { sessionId: string }) => {
  const { data, error, loading } = useLoad(() => sessionEvents(sessionId), [sessionId]);
  const events = data ?? [];
  const gaps = new Set(findGaps(events.map((e) => Date.parse(e.timestamp))).map((g) => g.after));
  const first = events[0];
  const last = events[events.length - 1];
  return (
    <section aria-labelledby="session-title">
      <p>
        <a href="#/events">← Events</a>
      </p>
      <h1 id="session-title">
        Session <code>{sessionId}</code>
      </h1>
      <ErrorNotice error={error} />
      {loading && !data ? <p class="meta">Loading…</p> : null}
      {first && last ? (
        <>
          <p class="meta">
            {events.length} events from {utc(first.timestamp)} to {utc(last.timestamp)} (
            {duration(Date.parse(last.timestamp) - Date.parse(first.timestamp))}), {gaps.size} gap(s)
          </p>
          <Timeline events={events} />
          <Table
            caption="The session in time order"
            headers={['timestamp (UTC)', 'since previous', 'type', 'data']}
          >
            {events.map((e, i) => (
              <tr key={e.id} class={gaps.has(i - 1) ? 'after-gap' : undefined}>
                <td class="nowrap">{utc(e.timestamp)}</td>
                <td class="nowrap">
                  {i === 0 ? '—' : duration(Date.parse(e.timestamp) - Date.parse(events[i - 1]!.timestamp))}
                  {gaps.has(i - 1) ? ' (gap)' : ''}
                </td>
                <td class="nowrap">
                  {e.category} / {e.name}
                </td>
                <td>
                  <Json value={e.data} />
                </td>
              </tr>
            ))}
          </Table>
        </>
      ) : data ? (
        <p>No events in this session.</p>
      ) : null}
    </section>
  );
};
