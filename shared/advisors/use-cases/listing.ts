import { notFound } from '../../core/errors.ts';
import type { Page } from '../../core/validation.ts';
import { type AdvisorClientsPage, advisorClients, listAdvisors, listClients } from '../repository.ts';
import type { Advisor, ClientSummary } from '../schemas.ts';

/** GET /advisors: one page of the advisors, all of them or only those (not) taking new clients. */
export const advisorsPage = (
  available: boolean | undefined,
  limit: number,
  cursor?: string,
): Promise<Page<Advisor>> => listAdvisors(available, limit, cursor);

/** GET /clients: one page of the clients, by last name. */
export const clientsPage = (limit: number, cursor?: string): Promise<Page<ClientSummary>> =>
  listClients(limit, cursor);

/** GET /advisors/{advisor_id}/clients: the advisor, its book's total and one page of its clients. */
export const advisorClientsPage = async (
  advisorId: string,
  limit: number,
  cursor?: string,
): Promise<AdvisorClientsPage> => {
  const page = await advisorClients(advisorId, limit, cursor);
  if (!page) throw notFound('No such advisor');
  return page;
};
