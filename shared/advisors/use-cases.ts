import { conflict, notFound } from '../core/errors.ts';
import { advisorRecords, clientRecords, planImport } from './import-plan.ts';
import { advisorAvailability, loadStoredContent, saveImport, setClientAdvisor } from './repository.ts';
import type { ClientSummary, ImportFile, ImportResult } from './schemas.ts';

/** Upserts the file's clients and advisors by natural key; only new or changed ones are written. */
export const importAdvisorsData = async (file: ImportFile): Promise<ImportResult> => {
  const incoming = { clients: clientRecords(file), advisors: advisorRecords(file) };
  const stored = await loadStoredContent(
    incoming.clients.map((c) => c.id),
    incoming.advisors.map((a) => a.id),
  );
  const plan = planImport(incoming, stored);
  await saveImport(plan);
  return {
    clients: { created: plan.clients.create.length, updated: plan.clients.update.length },
    advisors: { created: plan.advisors.create.length, updated: plan.advisors.update.length },
  };
};

/**
 * Gives the client this advisor, replacing any other. Availability is checked with a consistent read
 * just before the write; an advisor made unavailable in between still gets this client, which is the
 * same outcome as the assignment landing just before the PATCH (availability gates new assignments
 * only and never removes existing ones), so no cross-item transaction is needed.
 */
export const assignAdvisor = async (clientId: string, advisorId: string): Promise<ClientSummary> => {
  const available = await advisorAvailability(advisorId);
  if (available === undefined) throw notFound('No such advisor');
  if (!available) throw conflict('The advisor is not available for new clients');
  const client = await setClientAdvisor(clientId, advisorId);
  if (!client) throw notFound('No such client');
  return client;
};
