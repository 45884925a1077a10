import { useState } from 'preact/hooks';
import { call } from '../api.ts';
import { fromLocalInput, number, utc } from '../format.ts';
import { ErrorNotice, Field, Form, RangeFields, Table, useAction } from '../ui.tsx';

interface MinuteAverage {
  minute: string;
  lat: number;
  long: number;
  accuracy: number;
  speed: number | null;
  count: number;
}

const W = 640;
const H = 420;
const PAD = 30;

/** The track on plain axes (longitude east, latitude north), scaled to keep the shape true near the centre. */
const Track = ({ items }: { items: MinuteAverage[] }) => {
  const lats = items.map((i) => i.lat);
  const longs = items.map((i) => i.long);
  const [minLat, maxLat] = [Math.min(...lats), Math.max(...lats)];
  const [minLong, maxLong] = [Math.min(...longs), Math.max(...longs)];
  const shrink = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max(1e-6, (maxLong - minLong) * shrink);
  const spanY = Math.max(1e-6, maxLat - minLat);
  const scale = Math.min((W - 2 * PAD) / spanX, (H - 2 * PAD) / spanY);
  const x = (long: number) => PAD + (long - minLong) * shrink * scale;
  const y = (lat: number) => H - PAD - (lat - minLat) * scale;
  const points = items.map((i) => `${x(i.long).toFixed(1)},${y(i.lat).toFixed(1)}`).join(' ');
  return (
    <figure class="track">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Track of ${items.length} minute averages`}>
        <rect x="0" y="0" width={W} height={H} fill="#f6f8fa" />
        <polyline points={points} fill="none" stroke="#0072b2" stroke-width="2" />
        {items.map((i, n) => (
          <circle
            key={i.minute}
            cx={x(i.long)}
            cy={y(i.lat)}
            r={n === 0 || n === items.length - 1 ? 6 : 3}
            fill={n === 0 ? '#009e73' : n === items.length - 1 ? '#d55e00' : '#0072b2'}
          >
            <title>
              {utc(i.minute)}: {i.lat}, {i.long}
            </title>
          </circle>
        ))}
        <text x={PAD} y={H - 8} class="tick">
          {minLong.toFixed(4)}° … {maxLong.toFixed(4)}° long
        </text>
        <text x={W - PAD} y={18} class="tick" text-anchor="end">
          {minLat.toFixed(4)}° … {maxLat.toFixed(4)}° lat
        </text>
      </svg>
      <figcaption>
        <span class="legend">
          <i style={{ background: '#009e73' }} /> first minute
        </span>
        <span class="legend">
          <i style={{ background: '#d55e00' }} /> last minute
        </span>
      </figcaption>
    </figure>
  );
};

export const LocationsView = () => {
  const [form, setForm] = useState({ user_id: '', from: '', to: '' });
  const [result, setResult] = useState<{ user_id: string; items: MinuteAverage[] }>();
  const action = useAction();
  return (
    <section aria-labelledby="locations-title">
      <h1 id="locations-title">Locations</h1>
      <Form
        onSubmit={() =>
          action.run(async () =>
            setResult(
              await call('GET', `/users/${encodeURIComponent(form.user_id)}/location-averages`, {
                query: { from: fromLocalInput(form.from), to: fromLocalInput(form.to) },
              }),
            ),
          )
        }
      >
        <Field label="User id">
          <input
            name="user_id"
            required
            value={form.user_id}
            onInput={(e) => setForm({ ...form, user_id: e.currentTarget.value })}
          />
        </Field>
        <RangeFields
          value={form}
          onChange={setForm}
          kind="datetime-local"
          labels={['From (UTC)', 'To (UTC, exclusive)']}
        />
        <button type="submit">Show averages</button>
      </Form>
      <ErrorNotice error={action.error} />
      {result && !result.items.length ? <p>No datapoints for {result.user_id} in this range.</p> : null}
      {result?.items.length ? (
        <>
          <Track items={result.items} />
          <Table
            caption={`Per-minute averages of ${result.user_id}`}
            headers={['minute (UTC)', 'lat', 'long', 'accuracy', 'speed', 'datapoints']}
          >
            {result.items.map((i) => (
              <tr key={i.minute}>
                <td class="nowrap">{utc(i.minute)}</td>
                <td class="num">{number(i.lat, 6)}</td>
                <td class="num">{number(i.long, 6)}</td>
                <td class="num">{number(i.accuracy)}</td>
                <td class="num">{number(i.speed)}</td>
                <td class="num">{i.count}</td>
              </tr>
            ))}
          </Table>
        </>
      ) : null}
    </section>
  );
};
