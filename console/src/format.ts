// Times are shown in UTC, as the API stores them, so what the console shows can be pasted into a query.

export const utc = (iso: string | null | undefined) =>
  iso ? iso.replace('T', ' ').replace(/Z$/, ' Z') : '—';

export const duration = (ms: number) => {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
};

/** `<input type="datetime-local">` holds no zone; the console reads and writes it as UTC. */
export const fromLocalInput = (value: string) => (value ? new Date(`${value}Z`).toISOString() : undefined);
export const toLocalInput = (date: Date) => date.toISOString().slice(0, 16);

export const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

export const number = (n: number | null | undefined, digits = 2) =>
  n === null || n === undefined ? '—' : Number.isInteger(n) ? n.toLocaleString('en') : n.toFixed(digits);

// Three significant digits keep a histogram's bin labels as short as their bars are narrow.
const COMPACT = new Intl.NumberFormat('en', { maximumSignificantDigits: 3 });
export const compact = (n: number) => COMPACT.format(n);

export const bytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 ** 2).toFixed(1)} MB`;
