import { advisorId, advisorSortKey, clientId, clientSortKey } from './identity.ts';
import { sumCents } from './money.ts';
import type { ImportFile } from './schemas.ts';

// Turns a validated import file into records and decides, against what is stored, which are new and
// which changed. Pure, so the created/updated counts are tested without a table.

interface AccountRecord {
  type: string;
  cents: number;
}

/** What an import may set on a client; the assignment is never part of it. */
export interface ClientContent {
  first_name: string;
  last_name: string;
  accounts: AccountRecord[];
}

export interface ClientRecord extends ClientContent {
  id: string;
  total_cents: number;
  name_key: string;
}

/** What an import may set on an advisor; availability is never part of it. */
export interface AdvisorContent {
  name: string;
  focus_areas: string[];
}

export interface AdvisorRecord extends AdvisorContent {
  id: string;
  name_key: string;
}

export interface Changes<T> {
  create: T[];
  update: T[];
}

export interface ImportPlan {
  clients: Changes<ClientRecord>;
  advisors: Changes<AdvisorRecord>;
}

export const clientRecords = (file: ImportFile): ClientRecord[] =>
  file.clients.map((c) => {
    const id = clientId(c.first_name, c.last_name);
    const accounts = c.accounts.map((a) => ({ type: a.type, cents: a.value }));
    return {
      id,
      first_name: c.first_name,
      last_name: c.last_name,
      accounts,
      total_cents: sumCents(accounts.map((a) => a.cents)),
      name_key: clientSortKey(c.first_name, c.last_name, id),
    };
  });

export const advisorRecords = (file: ImportFile): AdvisorRecord[] =>
  file.financial_advisors.map((a) => {
    const id = advisorId(a.name);
    return { id, name: a.name, focus_areas: a.focus_areas, name_key: advisorSortKey(a.name, id) };
  });

const sameClient = (a: ClientContent, b: ClientContent) =>
  a.first_name === b.first_name &&
  a.last_name === b.last_name &&
  a.accounts.length === b.accounts.length &&
  a.accounts.every((x, i) => x.type === b.accounts[i]?.type && x.cents === b.accounts[i]?.cents);

const sameAdvisor = (a: AdvisorContent, b: AdvisorContent) =>
  a.name === b.name &&
  a.focus_areas.length === b.focus_areas.length &&
  a.focus_areas.every((f, i) => f === b.focus_areas[i]);

const changes = <T extends { id: string }, C>(
  incoming: T[],
  stored: ReadonlyMap<string, C>,
  same: (a: T, b: C) => boolean,
): Changes<T> => {
  const result: Changes<T> = { create: [], update: [] };
  for (const record of incoming) {
    const existing = stored.get(record.id);
    if (existing === undefined) result.create.push(record);
    else if (!same(record, existing)) result.update.push(record);
  }
  return result;
};

export const planImport = (
  incoming: { clients: ClientRecord[]; advisors: AdvisorRecord[] },
  stored: { clients: ReadonlyMap<string, ClientContent>; advisors: ReadonlyMap<string, AdvisorContent> },
): ImportPlan => ({
  clients: changes(incoming.clients, stored.clients, sameClient),
  advisors: changes(incoming.advisors, stored.advisors, sameAdvisor),
});
