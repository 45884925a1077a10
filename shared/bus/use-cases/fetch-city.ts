import { PassThrough, type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isActive } from '../../core/liveness.ts';
import { logger } from '../../core/observability.ts';
import { withRetries } from '../../core/retry.ts';
import { deleteObject, forgetCityDay, objectKey, putCityDay, storeCityDay } from '../city-days.ts';
import { DepartureScanner, InvalidDepartures } from '../departures.ts';
import { finishJob, getJob, markRunning, recordCity } from '../repository.ts';
import type { FetchCityMessage, Job } from '../schemas.ts';
import { isTransient, openCityStats } from '../upstream.ts';

const FETCH_POLICY = { attempts: 6, baseMs: 250, capMs: 8000 };
const ATTEMPT_TIMEOUT_MS = 300_000;
/** Time kept back from the function's deadline to record the outcome. */
const SAFETY_MS = 20_000;

/** Counts bytes and reads the departures while they flow to S3, and fails the upload on invalid data. */
const scanning = (scanner: DepartureScanner, size: { bytes: number }) =>
  new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        scanner.push(chunk);
        size.bytes += chunk.length;
        callback(null, chunk);
      } catch (err) {
        callback(err as Error);
      }
    },
    flush(callback) {
      try {
        scanner.end();
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
  });

/** One attempt: upstream → scanner → S3, never holding the file. */
const transferCityDay = async (message: FetchCityMessage, key: string, timeoutMs: number) => {
  const source: Readable = await openCityStats(message.city.id, message.date, timeoutMs);
  const scanner = new DepartureScanner();
  const size = { bytes: 0 };
  const body = new PassThrough();
  await Promise.all([
    pipeline(source, scanning(scanner, size), body),
    storeCityDay(key, body).catch((err: unknown) => {
      // Unblocks the pipeline: nothing would read the rest of the upstream body otherwise.
      source.destroy(err as Error);
      throw err;
    }),
  ]);
  return { records: scanner.totals.departures, bytes: size.bytes };
};

const settle = async (job: Job | undefined) => {
  if (!job || job.cities_done + job.cities_failed.length < job.cities_total) return;
  await finishJob(job.job_id, job.cities_failed.length ? 'failed' : 'succeeded', new Date().toISOString());
};

/**
 * Handles one city of a job, idempotently: a city already counted, or a job already finished (or past
 * its stall deadline), is left alone; a redelivered message may fetch again, but is counted once.
 * Transient failures are retried with backoff; a city that still fails (or sends invalid data) is
 * recorded as failed. The file goes under the job's own key and the city-day points to it only if no
 * newer job of the date recorded one: a late message of an old job leaves the newer data alone.
 */
const fetchAndRecord = async (job: Job, message: FetchCityMessage, remainingMs: () => number) => {
  await markRunning(job.job_id);
  const key = objectKey(message.date, job.job_id, message.city.id);
  let outcome: { records: number; bytes: number } | 'failed';
  try {
    outcome = await withRetries(
      FETCH_POLICY,
      () => {
        const timeoutMs = Math.min(ATTEMPT_TIMEOUT_MS, remainingMs() - SAFETY_MS);
        if (timeoutMs <= 0) throw new Error('no time left for another attempt');
        return transferCityDay(message, key, timeoutMs);
      },
      isTransient,
    );
  } catch (err) {
    logger.warn('city failed', {
      job_id: job.job_id,
      city: message.city.id,
      error: (err as Error).message,
      invalid_data: err instanceof InvalidDepartures,
    });
    outcome = 'failed';
  }
  if (outcome === 'failed') {
    // A failed upload leaves no object (the multipart upload is aborted): only the earlier job's goes.
    const forgotten = await forgetCityDay(message.date, message.city.id, job);
    if (forgotten) await deleteObject(forgotten);
  } else {
    const { recorded, replacedKey } = await putCityDay(message.date, message.city, job, {
      key,
      bytes: outcome.bytes,
    });
    if (!recorded) {
      await deleteObject(key);
      return;
    }
    if (replacedKey) await deleteObject(replacedKey);
  }
  await settle((await recordCity(job.job_id, message.city.id, outcome)) ?? (await getJob(job.job_id)));
};

/**
 * One city's message. What the code cannot finish is thrown back to SQS for another receive; on the
 * last one (the next would move the message to the DLQ) the city is recorded as failed instead, so the
 * job still ends. What no code sees (a crash or a timeout) is left to the job's stall deadline.
 */
export const fetchCity = async (
  message: FetchCityMessage,
  remainingMs: () => number,
  lastReceive: boolean,
) => {
  const job = await getJob(message.job_id);
  if (!job || !isActive(job.status)) return;
  try {
    await fetchAndRecord(job, message, remainingMs);
  } catch (err) {
    if (!lastReceive) throw err;
    logger.error('city failed on its last receive', {
      job_id: job.job_id,
      city: message.city.id,
      error: (err as Error).message,
    });
    await settle(await recordCity(job.job_id, message.city.id, 'failed'));
  }
};
