import { randomUUID } from 'node:crypto';
import { type Caller, ownerScope } from '../../core/auth.ts';
import { type ErrorDetail, validationError } from '../../core/errors.ts';
import { checkEnvelopes, eventsOfBody, ingestResponse, packMessages } from '../ingest.ts';
import { enqueue } from '../queue.ts';
import { recordRejected } from '../repository.ts';
import type { IngestResult } from '../schemas.ts';

/** POST /events: queues the well-formed events and records the rejected ones; resolves once both are durable. */
export const submitEvents = async (caller: Caller, requestedApp: string | undefined, body: unknown) => {
  const applicationId = ownerScope(caller, requestedApp);
  if (!applicationId) {
    // Events belong to the application that sent them, and the admin is not one.
    throw validationError('The admin is not an application: name the one the events belong to', [
      { path: 'application_id', message: 'required with the admin token' },
    ]);
  }
  const receivedAt = new Date().toISOString();
  const { accepted, rejected } = checkEnvelopes(eventsOfBody(body), randomUUID);
  await Promise.all([
    enqueue(packMessages(applicationId, receivedAt, accepted)),
    recordRejected(
      applicationId,
      receivedAt,
      rejected.map(({ errors, event }) => ({
        message: errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '),
        event,
      })),
    ),
  ]);
  return ingestResponse(accepted, rejected);
};

/** A request of which nothing was accepted is a 400 with the same `rejected` list under details. */
export const requireSomeAccepted = (result: IngestResult): IngestResult => {
  if (result.accepted.length > 0) return result;
  throw validationError('No event was accepted', result.rejected as unknown as ErrorDetail[]);
};
