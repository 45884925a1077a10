import { describe, expect, test } from '@jest/globals';
import {
  type AdvisorContent,
  advisorRecords,
  type ClientContent,
  clientRecords,
  planImport,
} from '../../../shared/advisors/import-plan.ts';
import { importFile } from '../../../shared/advisors/schemas.ts';

const file = importFile.parse({
  clients: [
    {
      first_name: 'Rue',
      last_name: 'Bennett',
      accounts: [
        { type: 'ira', value: 150 },
        { type: 'brokerage', value: 0.5 },
      ],
    },
    { first_name: 'Nate', last_name: 'Jacobs', accounts: [] },
    { first_name: 'Maddy', last_name: 'Perez', accounts: [{ type: 'brokerage', value: 100000 }] },
  ],
  financial_advisors: [{ name: 'Nick Miller', focus_areas: ['smb'] }, { name: 'Jessica Day' }],
});
const incoming = { clients: clientRecords(file), advisors: advisorRecords(file) };
const byId = <T extends { id: string }>(items: T[]) => new Map(items.map((i) => [i.id, i]));

describe('import plan', () => {
  test('holds accounts in cents with the client total (0 for no accounts)', () => {
    expect(incoming.clients.map((c) => [c.accounts, c.total_cents])).toEqual([
      [
        [
          { type: 'ira', cents: 15000 },
          { type: 'brokerage', cents: 50 },
        ],
        15050,
      ],
      [[], 0],
      [[{ type: 'brokerage', cents: 10_000_000 }], 10_000_000],
    ]);
    expect(incoming.advisors[1]!.focus_areas).toEqual([]);
  });

  test('creates everything into an empty table', () => {
    const plan = planImport(incoming, { clients: new Map(), advisors: new Map() });
    expect(plan.clients.create).toHaveLength(3);
    expect(plan.advisors.create).toHaveLength(2);
    expect(plan.clients.update).toEqual([]);
  });

  test('changes nothing when everything stored is identical', () => {
    const plan = planImport(incoming, { clients: byId(incoming.clients), advisors: byId(incoming.advisors) });
    expect(plan).toEqual({ clients: { create: [], update: [] }, advisors: { create: [], update: [] } });
  });

  test('updates only the entities whose content differs, including a changed name spelling', () => {
    const stored = byId<{ id: string } & ClientContent>(incoming.clients.map((c) => ({ ...c })));
    const rue = incoming.clients[0]!;
    stored.set(rue.id, { ...rue, accounts: [{ type: 'ira', cents: 15000 }] });
    const maddy = incoming.clients[2]!;
    stored.set(maddy.id, { ...maddy, first_name: 'MADDY' });
    const advisors = byId<{ id: string } & AdvisorContent>(incoming.advisors.map((a) => ({ ...a })));
    const nick = incoming.advisors[0]!;
    advisors.set(nick.id, { ...nick, focus_areas: ['smb', 'retirement'] });
    advisors.delete(incoming.advisors[1]!.id);

    const plan = planImport(incoming, { clients: stored, advisors });
    expect(plan.clients.update.map((c) => c.first_name)).toEqual(['Rue', 'Maddy']);
    expect(plan.clients.create).toEqual([]);
    expect(plan.advisors.update.map((a) => a.name)).toEqual(['Nick Miller']);
    expect(plan.advisors.create.map((a) => a.name)).toEqual(['Jessica Day']);
  });
});
