import { useState } from 'preact/hooks';
import { collect } from '../api.ts';
import { type EyeEventItem, eventTypes } from '../events.ts';
import { fromLocalInput, toLocalInput, utc } from '../format.ts';
import { ErrorNotice, Field, Form, Json, Table, useLoad, usePoll } from '../ui.tsx';

const TAIL_EVERY_MS = 2000;
const SHOWN = 200;

interface Filters {
  session_id: string;
  type: string;
  from: string;
  to: string;
}

const typeQuery = (type: string) => {
  if (!type) return {};
  const [category, name] = JSON.parse(type) as [string, string];
  return { category, name };
};

const EventsTable = ({ items, caption }: { items: EyeEventItem[]; caption: string }) => (
  <Table caption={caption} headers={['timestamp (UTC)', 'session', 'type', 'data', 'received']}>
    {items.map((e) => (
      <tr key={e.id} data-event-id={e.id}>
        <td class="nowrap">{utc(e.timestamp)}</td>
        <td>
          <a href={`#/session/${encodeURIComponent(e.session_id)}`}>{e.session_id}</a>
        </td>
        <td class="nowrap">
          {e.category} / {e.name}
        </td>
        <td>
          <Json value={e.data} />
        </td>
        <td class="nowrap">{utc(e.received_at)}</td>
      </tr>
    ))}
  </Table>
);

export const EventsView = () => {
  const [tail, setTail] = useState(true);
  const [windowMinutes, setWindowMinutes] = useState(15);
  const [filters, setFilters] = useState<Filters>({ session_id: '', type: '', from: '', to: '' });
  const [applied, setApplied] = useState<Filters>(filters);
  const [items, setItems] = useState<EyeEventItem[]>([]);
  const [error, setError] = useState<unknown>();
  const [updated, setUpdated] = useState<string>();
  const types = useLoad(eventTypes, []);

  const base = { session_id: applied.session_id || undefined, ...typeQuery(applied.type) };
  const fetchEvents = async (query: Record<string, string | undefined>) => {
    try {
      // Oldest first from the API; the newest are what a person watching wants on top.
      const all = await collect<EyeEventItem>('/events', query, 5000);
      setItems(all.reverse());
      setError(undefined);
      setUpdated(new Date().toISOString());
    } catch (err) {
      setError(err);
    }
  };

  // Events are ordered by their own timestamp, so the tail is a window of recent timestamps; it ends a
  // minute ahead, as the API accepts timestamps up to 60 s in the future.
  usePoll(
    () =>
      fetchEvents({
        ...base,
        from: new Date(Date.now() - windowMinutes * 60_000).toISOString(),
        to: new Date(Date.now() + 61_000).toISOString(),
      }),
    TAIL_EVERY_MS,
    tail,
  );

  const set = (key: keyof Filters) => (e: Event) =>
    setFilters({ ...filters, [key]: (e.currentTarget as HTMLInputElement).value });

  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">Events</h1>
      <Form
        onSubmit={() => {
          setApplied(filters);
          if (!tail)
            fetchEvents({
              ...{ session_id: filters.session_id || undefined, ...typeQuery(filters.type) },
              from: fromLocalInput(filters.from),
              to: fromLocalInput(filters.to),
            });
        }}
      >
        <Field label="Session id">
          <input name="session_id" value={filters.session_id} onInput={set('session_id')} />
        </Field>
        <Field label="Type">
          <select name="type" value={filters.type} onChange={set('type')}>
            <option value="">any type</option>
            {[...new Set((types.data ?? []).map((t) => JSON.stringify([t.category, t.name])))].map((key) => (
              <option key={key} value={key}>
                {(JSON.parse(key) as string[]).join(' / ')}
              </option>
            ))}
          </select>
        </Field>
        {tail ? (
          <Field label="Window (minutes)">
            <input
              name="window"
              type="number"
              min={1}
              max={1440}
              value={windowMinutes}
              onInput={(e) => setWindowMinutes(Math.max(1, Number(e.currentTarget.value) || 15))}
            />
          </Field>
        ) : (
          <>
            <Field label="From (UTC)">
              <input name="from" type="datetime-local" step={1} value={filters.from} onInput={set('from')} />
            </Field>
            <Field label="To (UTC, exclusive)">
              <input name="to" type="datetime-local" step={1} value={filters.to} onInput={set('to')} />
            </Field>
          </>
        )}
        <label class="check">
          <input
            type="checkbox"
            name="tail"
            checked={tail}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              setTail(on);
              if (!on && !filters.from) {
                setFilters({ ...filters, from: toLocalInput(new Date(Date.now() - 3_600_000)) });
              }
            }}
          />
          Live tail (every {TAIL_EVERY_MS / 1000} s)
        </label>
        <button type="submit">{tail ? 'Apply filters' : 'Search'}</button>
      </Form>
      <ErrorNotice error={error ?? types.error} />
      <p class="meta" aria-live="polite">
        {items.length} event{items.length === 1 ? '' : 's'}
        {tail ? ` in the last ${windowMinutes} min` : ''}
        {items.length > SHOWN ? `, newest ${SHOWN} shown` : ''}
        {updated ? ` · updated ${utc(updated)}` : ''}
      </p>
      <EventsTable items={items.slice(0, SHOWN)} caption="Events, newest first" />
    </section>
  );
};
