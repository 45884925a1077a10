import { conflict, notFound } from '../../core/errors.ts';
import { advisorRecords, clientRecords, planImport } from '../import-plan.ts';
import { loadStoredContent, saveImport } from '../import-store.ts';
import { advisorAvailability, type Move, moveClient } from '../repository.ts';
import type { ClientSummary, ImportFile, ImportResult } from '../schemas.ts';

/** Upserts the file's clients and advisors by natural key; only new or changed ones are written. */
export const importAdvisorsData = async (file: ImportFile): Promise<ImportResult> => {
  const incoming = { clients: clientRecords(file), advisors: advisorRecords(file) };
  const stored = await loadStoredContent(
    incoming.clients.map((c) => c.id),
    incoming.advisors.map((a) => a.id),
  );
  const plan = planImport(incoming, stored);
  await saveImport(plan, stored);
  return {
    clients: { created: plan.clients.create.length, updated: plan.clients.update.length },
    advisors: { created: plan.advisors.create.length, updated: plan.advisors.update.length },
  };
};

const UNAVAILABLE = 'The advisor is not available for new clients';

const movedClient = (move: Move): ClientSummary => {
  if ('client' in move) return move.client;
  if (move.refused === 'no-client') throw notFound('No such client');
  if (move.refused === 'unavailable') throw conflict(UNAVAILABLE);
  throw conflict('The client is being changed by other requests; try again');
};

/**
 * Gives the client this advisor, replacing any other. Availability is read first for a clear answer
 * (unknown → 404, unavailable → 409), and checked again inside the assignment's transaction, so an
 * advisor made unavailable in between gets no new client either.
 */
export const assignAdvisor = async (clientId: string, advisorId: string): Promise<ClientSummary> => {
  const available = await advisorAvailability(advisorId);
  if (available === undefined) throw notFound('No such advisor');
  if (!available) throw conflict(UNAVAILABLE);
  return movedClient(await moveClient(clientId, advisorId));
};

/** Leaves the client without an advisor; one without an advisor stays without one. */
export const unassignAdvisor = async (clientId: string): Promise<void> => {
  movedClient(await moveClient(clientId, undefined));
};
