import { advisorRecords, clientRecords, planImport } from '../import-plan.ts';
import { loadStoredContent, saveImport } from '../import-store.ts';
import type { ImportFile, ImportResult } from '../schemas.ts';

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
