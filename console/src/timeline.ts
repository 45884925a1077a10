// A session laid out in time: where are the pauses? A gap is a pause much longer than the session's
// usual rhythm (four times its median step) and at least 30 s, so a steady session shows none.

export interface Gap {
  after: number;
  startMs: number;
  endMs: number;
}

const MIN_GAP_MS = 30_000;

export const findGaps = (times: number[]): Gap[] => {
  const steps = times.slice(1).map((t, i) => t - times[i]!);
  if (!steps.length) return [];
  const sorted = [...steps].sort((a, b) => a - b);
  // The lower median: with two steps, the short one is the rhythm and the long one the pause.
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const threshold = Math.max(MIN_GAP_MS, 4 * median);
  return steps.flatMap((step, i) =>
    step >= threshold ? [{ after: i, startMs: times[i]!, endMs: times[i + 1]! }] : [],
  );
};
