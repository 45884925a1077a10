import { randomUUID } from 'node:crypto';
import { type Caller, ownerScope } from '../../core/auth.ts';
import { mapBounded } from '../../core/concurrency.ts';
import { notFound, validationError } from '../../core/errors.ts';
import { isActive } from '../../core/liveness.ts';
import { logger } from '../../core/observability.ts';
import { classify } from '../classify.ts';
import { enqueueReplayPage } from '../queue.ts';
import { loadRegistry } from '../registry.ts';
import { completePage, createJob, failJob, type ReplayJob, readJob } from '../replay-repository.ts';
import { type ErrorRecord, queryErrors, replayedBy, storeReplayed, writeCopies } from '../repository.ts';
import type { ReplayBody, ReplayMessage, ReplayStatus } from '../schemas.ts';
import { timeKey } from '../timestamps.ts';

// A replay walks the matched error records newest first, one page per queue message: each message
// re-validates its page, records the page's counts on the job (once: conditioned on the page) and
// queues the next page. Records are stored by a conditional transaction each (repository.ts), so a
// redelivered page, or two replays over the same records, store every event once. A replay whose next
// page can never run ends failed: its first page could not be queued, or a page failed on its last
// receive; what no code sees (a crash or a timeout on the last receive) is left to the stall deadline.
const PAGE = 50;
const IN_FLIGHT = 8;

const publicStatus = (job: ReplayJob): ReplayStatus => ({
  replay_id: job.replay_id,
  status: job.status,
  matched: job.matched,
  replayed: job.replayed,
  still_failing: job.still_failing,
  created_at: job.created_at,
  finished_at: job.finished_at,
});

/** POST /errors/replay: registers a replay of the caller's matched error records and queues its first page. */
export const startReplay = async (caller: Caller, body: ReplayBody) => {
  const { application_id, ...filters } = body;
  const fromKey = timeKey('from', filters.from);
  const toKey = timeKey('to', filters.to);
  if (fromKey && toKey && fromKey > toKey) {
    throw validationError('from is later than to', [{ path: 'from', message: 'later than to' }]);
  }
  if (filters.name !== undefined && filters.category === undefined) {
    throw validationError('name needs category', [{ path: 'name', message: 'name needs category' }]);
  }
  const createdAt = new Date().toISOString();
  const job: ReplayJob = {
    replay_id: randomUUID(),
    application_id: ownerScope(caller, application_id),
    filters,
    status: 'queued',
    matched: 0,
    replayed: 0,
    still_failing: 0,
    pages_done: 0,
    created_at: createdAt,
    finished_at: null,
    progress_at: createdAt,
  };
  await createJob(job);
  try {
    await enqueueReplayPage(job.replay_id, 0);
  } catch (err) {
    // Nothing will ever run the replay: it ends here, and the request fails (500) as the send did.
    await failJob(job.replay_id, new Date().toISOString());
    throw err;
  }
  return { replay_id: job.replay_id, status: 'queued' as const };
};

/** GET /errors/replay/{replay_id}: a replay of the caller's (another application's reads as unknown). */
export const replayStatusOf = async (caller: Caller, replayId: string): Promise<ReplayStatus> => {
  const job = await readJob(replayId);
  if (!job || (caller.kind === 'application' && job.application_id !== caller.applicationId)) {
    throw notFound('No such replay');
  }
  return publicStatus(job);
};

const matches = (job: ReplayJob, record: ErrorRecord) => {
  if (record.code === 'invalid_envelope') return false;
  const { category, name } = job.filters;
  return (
    (category === undefined || record.type.category === category) &&
    (name === undefined || record.type.name === name)
  );
};

type Verdict = 'replayed' | 'still_failing' | 'not_matched';

const replayRecord = async (
  job: ReplayJob,
  record: ErrorRecord,
  registries: Map<string, Awaited<ReturnType<typeof loadRegistry>>>,
  copies: Record<string, unknown>[],
): Promise<Verdict> => {
  // Replayed already: by this replay (an earlier delivery of this page) it counts, by another it is not matched.
  if (record.replayed_at !== null) return record.replayed_by === job.replay_id ? 'replayed' : 'not_matched';
  const app = record.application_id;
  const outcome = classify(app, record.id, record.event, record.received_at, registries.get(app));
  if (outcome.kind === 'error') return 'still_failing';
  const { stored, copy } = await storeReplayed(record, outcome, job.replay_id, new Date().toISOString());
  if (stored || (await replayedBy(app, record.id)) === job.replay_id) {
    copies.push(copy);
    return 'replayed';
  }
  return 'not_matched';
};

const NOTHING = { replayed: 0, stillFailing: 0 };

/**
 * One page of a replay. A page of a replay that is no longer active (failed, or past its stall
 * deadline) does nothing; failures worth a redelivery are thrown back to SQS, except on the last
 * receive, which ends the replay failed rather than leave it waiting for a page that never comes.
 */
export const replayPage = async (
  message: ReplayMessage,
  lastReceive: boolean,
): Promise<{ replayed: number; stillFailing: number }> => {
  const job = await readJob(message.replay_id);
  if (!job) throw new Error(`replay ${message.replay_id} does not exist`);
  if (!isActive(job.status)) return NOTHING;
  try {
    return await replayJobPage(job, message.page);
  } catch (err) {
    if (!lastReceive) throw err;
    logger.error('replay page failed on its last receive', {
      replay_id: job.replay_id,
      page: message.page,
      error: (err as Error).message,
    });
    await failJob(job.replay_id, new Date().toISOString());
    return NOTHING;
  }
};

const replayJobPage = async (job: ReplayJob, pageNumber: number) => {
  if (job.pages_done !== pageNumber) {
    // A redelivery of a recorded page: its successor may not have been queued before a crash.
    if (job.pages_done === pageNumber + 1 && job.status === 'running')
      await enqueueReplayPage(job.replay_id, job.pages_done);
    return NOTHING;
  }
  const page = await queryErrors(
    {
      applicationId: job.application_id,
      code: job.filters.code,
      fromKey: timeKey('from', job.filters.from),
      toKey: timeKey('to', job.filters.to),
      includeReplayed: true,
    },
    PAGE,
    pageNumber === 0 ? undefined : job.next_before,
  );
  const records = page.items.filter((record) => matches(job, record));
  const registries = new Map<string, Awaited<ReturnType<typeof loadRegistry>>>();
  for (const app of new Set(records.map((r) => r.application_id))) {
    const events = records.filter((r) => r.application_id === app).map((r) => r.event);
    registries.set(app, await loadRegistry(app, events));
  }
  const copies: Record<string, unknown>[] = [];
  const verdicts = await mapBounded(records, IN_FLIGHT, (record) =>
    replayRecord(job, record, registries, copies),
  );
  await writeCopies(copies);
  const replayed = verdicts.filter((v) => v === 'replayed').length;
  const stillFailing = verdicts.filter((v) => v === 'still_failing').length;
  const recorded = await completePage(job.replay_id, pageNumber, {
    matched: replayed + stillFailing,
    replayed,
    still_failing: stillFailing,
    nextBefore: page.last,
  });
  if (page.last !== undefined) await enqueueReplayPage(job.replay_id, pageNumber + 1);
  return recorded ? { replayed, stillFailing } : NOTHING;
};
