import { describe, expect, test } from '@jest/globals';
import { jobAsOf } from '../../../shared/bus/liveness.ts';
import type { Job } from '../../../shared/bus/schemas.ts';

const job = (status: Job['status'], overrides: Partial<Job> = {}): Job => ({
  job_id: 'j1',
  date: '2024-03-01',
  status,
  cities_total: 4,
  cities_done: 2,
  cities_failed: [3],
  records: 10,
  bytes: 100,
  created_at: '2024-03-02T10:00:00.000Z',
  finished_at: null,
  ...overrides,
});
const progress = { cityIds: [1, 2, 3, 4], doneIds: new Set([1, 2]), progressAt: '2024-03-02T10:05:00.000Z' };

describe('job liveness', () => {
  test('a running job within its stall deadline reads as stored', () => {
    const reading = jobAsOf(job('running'), progress, 60, new Date('2024-03-02T10:05:59.999Z'));
    expect(reading).toEqual({ job: job('running'), stalled: false });
  });

  test('a running job past its deadline reads failed, with every city not done among the failed', () => {
    const reading = jobAsOf(job('running'), progress, 60, new Date('2024-03-02T10:06:00.000Z'));
    expect(reading.stalled).toBe(true);
    expect(reading.job).toEqual(
      job('failed', { cities_failed: [3, 4], finished_at: '2024-03-02T10:06:00.000Z' }),
    );
  });

  test('a queued job that never made progress stalls from its registration', () => {
    const queued = { cityIds: [5, 1], doneIds: new Set<number>(), progressAt: '2024-03-02T10:00:00.000Z' };
    const reading = jobAsOf(
      job('queued', { cities_done: 0, cities_failed: [] }),
      queued,
      30,
      new Date('2024-03-02T11:00:00.000Z'),
    );
    expect(reading.job).toMatchObject({
      status: 'failed',
      cities_failed: [1, 5],
      finished_at: '2024-03-02T10:00:30.000Z',
    });
  });

  test('a finished job never stalls', () => {
    const done = job('succeeded', { finished_at: '2024-03-02T10:05:00.000Z' });
    expect(jobAsOf(done, progress, 1, new Date('2030-01-01T00:00:00.000Z'))).toEqual({
      job: done,
      stalled: false,
    });
  });
});
