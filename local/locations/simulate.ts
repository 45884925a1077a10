import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';

// `npm run simulate:locations -- --file <csv> [--speedup N] [--url URL] [--token TOKEN]`
// Replays a location CSV (header timestamp,lat,long,accuracy,speed,user_id) against PUT /location in
// timestamp order, one request at a time like a phone. With --speedup N the gaps between pings are
// kept, N times faster; without it the pings are sent back to back. Token: --token, else $TOKEN, else
// $ADMIN_TOKEN, else the local stack's admin token from DATA_DIR.

const USAGE = 'usage: npm run simulate:locations -- --file <csv> [--speedup N] [--url URL] [--token TOKEN]';

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    speedup: { type: 'string' },
    url: { type: 'string', default: process.env.API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}` },
    token: { type: 'string' },
  },
});
if (!values.file) {
  console.error(USAGE);
  process.exit(2);
}
const speedup = values.speedup === undefined ? undefined : Number(values.speedup);
if (speedup !== undefined && !(speedup > 0)) {
  console.error(`--speedup must be a positive number\n${USAGE}`);
  process.exit(2);
}

const token =
  values.token ??
  process.env.TOKEN ??
  process.env.ADMIN_TOKEN ??
  (await readFile(join(resolve(process.env.DATA_DIR ?? '.data'), 'admin-token.secret'), 'utf8').catch(() => {
    console.error(`no token: pass --token or set TOKEN (or start the local stack first)\n${USAGE}`);
    process.exit(2);
  }));

const NUMERIC = new Set(['lat', 'long', 'accuracy', 'speed']);
// Cells are sent as the phone would: numbers as numbers, an empty speed as null; anything else as the
// string it is, for the API to reject.
const toDatapoint = (row: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(row).map(([column, cell]) => {
      if (!NUMERIC.has(column)) return [column, cell];
      if (column === 'speed' && (cell === '' || cell.toLowerCase() === 'null')) return [column, null];
      return [column, cell !== '' && Number.isFinite(Number(cell)) ? Number(cell) : cell];
    }),
  );

// Wall-clock strings in one format sort by time; the device's zone is the server's business.
const sortKey = (timestamp: string) => timestamp.replace('T', ' ');
const wallMs = (timestamp: string) => Date.parse(`${sortKey(timestamp).replace(' ', 'T').slice(0, 23)}Z`);

const rows = (
  parse(await readFile(values.file), {
    columns: true,
    bom: true,
    trim: true,
    skip_empty_lines: true,
  }) as Record<string, string>[]
)
  .map((row, index) => ({ row, index }))
  .sort(
    (a, b) =>
      sortKey(a.row.timestamp ?? '').localeCompare(sortKey(b.row.timestamp ?? '')) || a.index - b.index,
  );

const counts = { stored: 0, duplicate: 0, rejected: 0, failed: 0 };
const progress = (done: number) =>
  process.stderr.write(
    `\r… ${done}/${rows.length} sent: ${counts.stored} stored, ${counts.duplicate} duplicate, ` +
      `${counts.rejected} rejected, ${counts.failed} failed`,
  );

const started = Date.now();
let previous: number | undefined;
for (const [i, { row }] of rows.entries()) {
  const at = wallMs(row.timestamp ?? '');
  if (speedup && previous !== undefined && Number.isFinite(at) && at > previous) {
    await new Promise((r) => setTimeout(r, (at - previous!) / speedup));
  }
  if (Number.isFinite(at)) previous = at;
  try {
    const res = await fetch(`${values.url}/location`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${String(token).trim()}`, 'content-type': 'application/json' },
      body: JSON.stringify(toDatapoint(row)),
    });
    const body = (await res.json().catch(() => undefined)) as
      | { status?: string; error?: { details?: unknown } }
      | undefined;
    if (res.status === 200 && body?.status === 'stored') counts.stored++;
    else if (res.status === 200 && body?.status === 'duplicate') counts.duplicate++;
    else if (res.status === 400) {
      counts.rejected++;
      process.stderr.write(
        `\nrow ${JSON.stringify(row)} rejected: ${JSON.stringify(body?.error?.details)}\n`,
      );
    } else {
      counts.failed++;
      process.stderr.write(`\nrow ${JSON.stringify(row)}: HTTP ${res.status} ${JSON.stringify(body)}\n`);
    }
  } catch (err) {
    counts.failed++;
    process.stderr.write(`\ncould not reach ${values.url}: ${(err as Error).message}\n`);
  }
  if (i % 50 === 0 || i === rows.length - 1) progress(i + 1);
}
process.stderr.write('\n');
const seconds = (Date.now() - started) / 1000;
console.log(
  `${rows.length} pings replayed in ${seconds.toFixed(1)} s: ${counts.stored} stored, ` +
    `${counts.duplicate} duplicate, ${counts.rejected} rejected, ${counts.failed} failed`,
);
if (counts.failed > 0) process.exitCode = 1;
