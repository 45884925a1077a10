// Calendar dates (`YYYY-MM-DD`, UTC) as API.md uses them for jobs and statistics.

const DAY_MS = 86_400_000;
const SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date in `YYYY-MM-DD` form (2024-02-30 is not one). */
export const isCalendarDate = (value: string): boolean => {
  if (!SHAPE.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === value;
};

const todayUtc = (now = new Date()) => now.toISOString().slice(0, 10);

/** Later than today in UTC. */
export const isFutureDate = (value: string, now = new Date()) => value > todayUtc(now);

/** Every date from `from` to `to`, both inclusive. */
export const datesBetween = (from: string, to: string): string[] => {
  const dates: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += DAY_MS) {
    dates.push(new Date(t).toISOString().slice(0, 10));
  }
  return dates;
};

/** How many dates `datesBetween(from, to)` holds, without building them. */
export const dateCount = (from: string, to: string) =>
  Math.floor((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
