import { conflict, notFound } from '../../core/errors.ts';
import { advisorAvailability, type Move, moveClient } from '../repository.ts';
import type { ClientSummary } from '../schemas.ts';

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
