import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createApp, startTestStack, type TestStack } from './harness.ts';

const fixture = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../fixtures/advisors-data.json'), 'utf8'),
);

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

interface Listed {
  id: string;
  name?: string;
  first_name?: string;
  last_name?: string;
  advisor_id?: string | null;
}

const all = async (path: string): Promise<any[]> => {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: { status: number; body: any } = await stack.request(
      'GET',
      `${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.next_cursor;
  } while (cursor);
  return items;
};

const advisorNamed = async (name: string) => (await all('/advisors')).find((a: Listed) => a.name === name);
const clientNamed = async (first: string, last: string) =>
  (await all('/clients')).find((c: Listed) => c.first_name === first && c.last_name === last);

const importFile = (body: unknown) => stack.request('POST', '/advisors/import', { body });

describe('advisors import', () => {
  test('importing the fixture twice creates 4 clients and 2 advisors once, then changes nothing', async () => {
    const first = await importFile(fixture);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ clients: { created: 4, updated: 0 }, advisors: { created: 2, updated: 0 } });
    const second = await importFile(fixture);
    expect(second.body).toEqual({
      clients: { created: 0, updated: 0 },
      advisors: { created: 0, updated: 0 },
    });

    const clients = await all('/clients');
    expect(clients.map((c: Listed) => `${c.last_name}, ${c.first_name}`)).toEqual([
      'Bennett, Rue',
      'Jacobs, Nate',
      'Perez, Maddy',
      'Vaughn, Jules',
    ]);
    expect(clients.find((c: Listed) => c.last_name === 'Jacobs')).toEqual({
      id: expect.any(String),
      first_name: 'Nate',
      last_name: 'Jacobs',
      advisor_id: null,
      total_value: 0,
    });
    const advisors = await all('/advisors');
    expect(advisors).toEqual([
      {
        id: expect.any(String),
        name: 'Jessica Day',
        focus_areas: ['retirement', 'education'],
        available: true,
        client_count: 0,
      },
      {
        id: expect.any(String),
        name: 'Nick Miller',
        focus_areas: ['financial independence', 'smb'],
        available: true,
        client_count: 0,
      },
    ]);
  });

  test('money is summed exactly to the cent', async () => {
    const res = await importFile({
      clients: [
        {
          first_name: 'Cent',
          last_name: 'Counter',
          accounts: [
            { type: 'checking', value: 0.1 },
            { type: 'savings', value: 0.2 },
            { type: 'ira', value: 1234567.89 },
          ],
        },
      ],
      financial_advisors: [],
    });
    expect(res.status).toBe(200);
    const client = await clientNamed('Cent', 'Counter');
    // 0.10 + 0.20 + 1,234,567.89 = 1,234,568.19
    expect(client.total_value).toBe(1234568.19);
  });

  test('a bad file is a 400 naming the offending path, and nothing is written', async () => {
    const tooPrecise = await importFile({
      clients: [{ first_name: 'Pre', last_name: 'Cise', accounts: [{ type: 'ira', value: 1.005 }] }],
      financial_advisors: [],
    });
    expect(tooPrecise.status).toBe(400);
    expect(tooPrecise.body.error.code).toBe('validation_error');
    expect(tooPrecise.body.error.details).toEqual([
      { path: 'clients.0.accounts.0.value', message: 'must have at most 2 decimal places' },
    ]);

    const negative = await importFile({
      clients: [{ first_name: 'Neg', last_name: 'Ative', accounts: [{ type: 'ira', value: -1 }] }],
      financial_advisors: [],
    });
    expect(negative.status).toBe(400);
    expect(negative.body.error.details[0].path).toBe('clients.0.accounts.0.value');

    const asString = await importFile({
      clients: [{ first_name: 'Str', last_name: 'Ing', accounts: [{ type: 'ira', value: '10.00' }] }],
      financial_advisors: [],
    });
    expect(asString.status).toBe(400);
    expect(asString.body.error.details[0].path).toBe('clients.0.accounts.0.value');

    const duplicate = await importFile({
      clients: [
        { first_name: 'Dup', last_name: 'Licate', accounts: [] },
        { first_name: ' dup', last_name: 'LICATE ', accounts: [] },
      ],
      financial_advisors: [{ name: 'Jessica Day' }, { name: 'Jessica  Day' }],
    });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      'clients.1',
      'financial_advisors.1',
    ]);

    const noAdvisors = await importFile({ clients: [] });
    expect(noAdvisors.status).toBe(400);
    expect(noAdvisors.body.error.details[0].path).toBe('financial_advisors');

    const notJson = await stack.request('POST', '/advisors/import', { body: '{"clients": [' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('invalid_json');

    const names = (await all('/clients')).map((c: Listed) => c.first_name);
    expect(names).not.toEqual(expect.arrayContaining(['Pre']));
    expect(names).not.toContain('Dup');
  });
});

describe('availability and assignment', () => {
  test('the original task end to end: import, available advisors, assign, an advisor’s clients with totals', async () => {
    await importFile(fixture);
    const nick = await advisorNamed('Nick Miller');
    const jessica = await advisorNamed('Jessica Day');

    const off = await stack.request('PATCH', `/advisors/${jessica.id}`, { body: { available: false } });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ id: jessica.id, name: 'Jessica Day', available: false });
    const available = await all('/advisors?available=true');
    expect(available.map((a: Listed) => a.name)).toEqual(['Nick Miller']);
    const unavailable = await all('/advisors?available=false');
    expect(unavailable.map((a: Listed) => a.name)).toEqual(['Jessica Day']);

    for (const [first, last] of [
      ['Maddy', 'Perez'],
      ['Rue', 'Bennett'],
      ['Nate', 'Jacobs'],
      ['Jules', 'Vaughn'],
    ] as const) {
      const client = await clientNamed(first, last);
      const res = await stack.request('PUT', `/clients/${client.id}/advisor`, {
        body: { advisor_id: nick.id },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: client.id, advisor_id: nick.id });
    }

    const page = await stack.request('GET', `/advisors/${nick.id}/clients`);
    expect(page.status).toBe(200);
    expect(page.body.advisor).toEqual({ ...nick, client_count: 4 });
    expect(page.body.items.map((c: Listed) => c.last_name)).toEqual(['Bennett', 'Jacobs', 'Perez', 'Vaughn']);
    expect(page.body.items[0]).toEqual({
      id: expect.any(String),
      first_name: 'Rue',
      last_name: 'Bennett',
      accounts: [
        { type: 'ira', value: 150 },
        { type: 'brokerage', value: 1000 },
      ],
      total_value: 1150,
    });
    expect(page.body.items[1].total_value).toBe(0);
    // 100000 + 1150 + 0 + 32500
    expect(page.body.total_value).toBe(133650);
    expect(page.body.next_cursor).toBeNull();
    expect((await advisorNamed('Nick Miller')).client_count).toBe(4);

    const onPage = await stack.request('GET', `/advisors/${nick.id}/clients?limit=3`);
    expect(onPage.body.items).toHaveLength(3);
    expect(onPage.body.total_value).toBe(133650);
    const rest = await stack.request(
      'GET',
      `/advisors/${nick.id}/clients?limit=3&cursor=${encodeURIComponent(onPage.body.next_cursor)}`,
    );
    expect(rest.body.items.map((c: Listed) => c.last_name)).toEqual(['Vaughn']);
  });

  test('assigning to an unavailable advisor is a 409 and leaves the client as it was', async () => {
    await importFile(fixture);
    const jessica = await advisorNamed('Jessica Day');
    await stack.request('PATCH', `/advisors/${jessica.id}`, { body: { available: false } });
    const maddy = await clientNamed('Maddy', 'Perez');
    const res = await stack.request('PUT', `/clients/${maddy.id}/advisor`, {
      body: { advisor_id: jessica.id },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect((await clientNamed('Maddy', 'Perez')).advisor_id).toBe(maddy.advisor_id);
  });

  test('reassigning moves the client from one advisor’s list to the other’s; DELETE unassigns', async () => {
    await importFile({
      clients: [{ first_name: 'Cassie', last_name: 'Howard', accounts: [{ type: 'ira', value: 10.5 }] }],
      financial_advisors: [{ name: 'Cal Jacobs' }, { name: 'Lexi Howard' }],
    });
    const cal = await advisorNamed('Cal Jacobs');
    const lexi = await advisorNamed('Lexi Howard');
    const cassie = await clientNamed('Cassie', 'Howard');
    await stack.request('PUT', `/clients/${cassie.id}/advisor`, { body: { advisor_id: cal.id } });
    const moved = await stack.request('PUT', `/clients/${cassie.id}/advisor`, {
      body: { advisor_id: lexi.id },
    });
    expect(moved.body).toEqual({
      id: cassie.id,
      first_name: 'Cassie',
      last_name: 'Howard',
      advisor_id: lexi.id,
      total_value: 10.5,
    });
    const calPage = await stack.request('GET', `/advisors/${cal.id}/clients`);
    expect(calPage.body.items).toEqual([]);
    expect(calPage.body.total_value).toBe(0);
    expect(calPage.body.advisor.client_count).toBe(0);
    // The same assignment again changes nothing: counted once.
    const again = await stack.request('PUT', `/clients/${cassie.id}/advisor`, {
      body: { advisor_id: lexi.id },
    });
    expect(again.body).toEqual(moved.body);
    const lexiPage = await stack.request('GET', `/advisors/${lexi.id}/clients`);
    expect(lexiPage.body.items.map((c: Listed) => c.id)).toEqual([cassie.id]);
    expect(lexiPage.body.total_value).toBe(10.5);
    expect(lexiPage.body.advisor.client_count).toBe(1);

    const del = await stack.request('DELETE', `/clients/${cassie.id}/advisor`);
    expect(del.status).toBe(204);
    expect((await clientNamed('Cassie', 'Howard')).advisor_id).toBeNull();
    const emptied = await stack.request('GET', `/advisors/${lexi.id}/clients`);
    expect(emptied.body.items).toEqual([]);
    expect(emptied.body.total_value).toBe(0);
    expect(emptied.body.advisor.client_count).toBe(0);
  });

  test('re-importing a changed file updates in place and keeps the assignment and availability', async () => {
    const original = {
      clients: [{ first_name: 'Kat', last_name: 'Hernandez', accounts: [{ type: 'ira', value: 100 }] }],
      financial_advisors: [{ name: 'Ethan Daley', focus_areas: ['art'] }],
    };
    await importFile(original);
    const ethan = await advisorNamed('Ethan Daley');
    const kat = await clientNamed('Kat', 'Hernandez');
    await stack.request('PUT', `/clients/${kat.id}/advisor`, { body: { advisor_id: ethan.id } });
    await stack.request('PATCH', `/advisors/${ethan.id}`, { body: { available: false } });

    const changed = await importFile({
      clients: [
        {
          first_name: 'Kat',
          last_name: 'Hernandez',
          accounts: [
            { type: 'ira', value: 100 },
            { type: 'brokerage', value: 0.99 },
          ],
        },
      ],
      financial_advisors: [{ name: 'Ethan Daley', focus_areas: ['art', 'film'] }],
    });
    expect(changed.body).toEqual({
      clients: { created: 0, updated: 1 },
      advisors: { created: 0, updated: 1 },
    });
    const page = await stack.request('GET', `/advisors/${ethan.id}/clients`);
    expect(page.body.advisor).toMatchObject({
      focus_areas: ['art', 'film'],
      available: false,
      client_count: 1,
    });
    expect(page.body.items.map((c: Listed) => c.id)).toEqual([kat.id]);
    expect(page.body.total_value).toBe(100.99);
  });

  test('40 concurrent assignments of one client leave it in exactly one advisor’s list', async () => {
    const names = ['Alpha Adv', 'Beta Adv', 'Gamma Adv', 'Delta Adv'];
    await importFile({
      clients: [{ first_name: 'Fought', last_name: 'Over', accounts: [{ type: 'ira', value: 5 }] }],
      financial_advisors: names.map((name) => ({ name })),
    });
    const advisors = await Promise.all(names.map(advisorNamed));
    const client = await clientNamed('Fought', 'Over');
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        stack.request('PUT', `/clients/${client.id}/advisor`, {
          body: { advisor_id: advisors[i % advisors.length].id },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(200));
    const final = (await clientNamed('Fought', 'Over')).advisor_id;
    const holding: string[] = [];
    for (const advisor of advisors) {
      const page = await stack.request('GET', `/advisors/${advisor.id}/clients`);
      if (page.body.items.some((c: Listed) => c.id === client.id)) holding.push(advisor.id);
      expect(page.body.advisor.client_count).toBe(page.body.items.length);
      expect(page.body.total_value).toBe(page.body.items.length * 5);
    }
    expect(holding).toEqual([final]);
  });

  test('an import changing accounts while the same clients are reassigned leaves every advisor’s count and total exact', async () => {
    const people = Array.from({ length: 12 }, (_, i) => ({ first_name: 'Racing', last_name: `Client ${i}` }));
    const withValue = (value: number) => ({
      clients: people.map((p, i) => ({ ...p, accounts: [{ type: 'ira', value: value + i }] })),
      financial_advisors: [{ name: 'Race From' }, { name: 'Race To' }],
    });
    await importFile(withValue(10));
    const [from, to] = await Promise.all(['Race From', 'Race To'].map(advisorNamed));
    const clients = await Promise.all(people.map((p) => clientNamed(p.first_name, p.last_name)));
    for (const c of clients) {
      await stack.request('PUT', `/clients/${c.id}/advisor`, { body: { advisor_id: from.id } });
    }
    const [changed, ...moves] = await Promise.all([
      importFile(withValue(1000)),
      ...clients.map((c, i) =>
        i % 2 === 0
          ? stack.request('PUT', `/clients/${c.id}/advisor`, { body: { advisor_id: to.id } })
          : stack.request('DELETE', `/clients/${c.id}/advisor`),
      ),
    ]);
    expect(changed.body.clients).toEqual({ created: 0, updated: 12 });
    expect(moves.map((m) => m.status)).toEqual(clients.map((_, i) => (i % 2 === 0 ? 200 : 204)));
    for (const [advisor, held] of [
      [from, 0],
      [to, 6],
    ] as const) {
      const page = await stack.request('GET', `/advisors/${advisor.id}/clients`);
      expect(page.body.items).toHaveLength(held);
      expect(page.body.advisor.client_count).toBe(held);
      // Clients 0, 2, …, 10 at 1000 + i each: 6,030
      expect(page.body.total_value).toBe(held === 0 ? 0 : 6 * 1000 + 30);
    }
  });

  test('unknown ids are 404 and a malformed body is 400', async () => {
    await importFile(fixture);
    const nick = await advisorNamed('Nick Miller');
    const maddy = await clientNamed('Maddy', 'Perez');
    const noClient = await stack.request('PUT', '/clients/cl_nope/advisor', {
      body: { advisor_id: nick.id },
    });
    expect(noClient.status).toBe(404);
    expect(noClient.body.error.code).toBe('not_found');
    const noAdvisor = await stack.request('PUT', `/clients/${maddy.id}/advisor`, {
      body: { advisor_id: 'adv_nope' },
    });
    expect(noAdvisor.status).toBe(404);
    expect((await stack.request('DELETE', '/clients/cl_nope/advisor')).status).toBe(404);
    expect((await stack.request('GET', '/advisors/adv_nope/clients')).status).toBe(404);
    expect((await stack.request('PATCH', '/advisors/adv_nope', { body: { available: true } })).status).toBe(
      404,
    );

    const noBody = await stack.request('PUT', `/clients/${maddy.id}/advisor`, { body: {} });
    expect(noBody.status).toBe(400);
    expect(noBody.body.error.details[0].path).toBe('advisor_id');
    const badFlag = await stack.request('PATCH', `/advisors/${nick.id}`, { body: { available: 'no' } });
    expect(badFlag.status).toBe(400);
    const badFilter = await stack.request('GET', '/advisors?available=maybe');
    expect(badFilter.status).toBe(400);
  });

  test('the OpenAPI document describes every advisors route', async () => {
    const res = await stack.request('GET', '/openapi.json', { token: null });
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/advisors/import',
        '/advisors',
        '/advisors/{advisor_id}',
        '/advisors/{advisor_id}/clients',
        '/clients',
        '/clients/{client_id}/advisor',
      ]),
    );
    expect(Object.keys(res.body.paths['/clients/{client_id}/advisor'])).toEqual(['put', 'delete']);
  });

  test('advisor routes need the advisors scope', async () => {
    const other = await createApp(stack, ['events']);
    expect((await stack.request('GET', '/advisors', { token: other.apiKey })).status).toBe(403);
    const adviser = await createApp(stack, ['advisors']);
    expect((await stack.request('GET', '/clients', { token: adviser.apiKey })).status).toBe(200);
  });
});
