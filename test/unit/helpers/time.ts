/** The ISO instant `minutes` before now (a deadline's distance in tests of stalled work). */
export const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
