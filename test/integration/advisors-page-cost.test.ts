import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startTestStack, type TestStack } from './harness.ts';
import { type Cost, meterDynamo } from './page-cost.ts';

// The advisors listings measured with 10x more clients behind them: their cost must not follow.

let stack: TestStack;
let repository: typeof import('../../shared/advisors/repository.ts');
let useCases: typeof import('../../shared/advisors/use-cases/assignment.ts');
let importing: typeof import('../../shared/advisors/use-cases/import.ts');
let concurrency: typeof import('../../shared/core/concurrency.ts');
let measure: (page: () => Promise<unknown>) => Promise<Cost>;

beforeAll(async () => {
  stack = await startTestStack();
  measure = await meterDynamo(stack, ['advisors']);
  repository = await import('../../shared/advisors/repository.ts');
  useCases = await import('../../shared/advisors/use-cases/assignment.ts');
  importing = await import('../../shared/advisors/use-cases/import.ts');
  concurrency = await import('../../shared/core/concurrency.ts');
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const ADVISORS = 10;
const advisorNames = Array.from({ length: ADVISORS }, (_, i) => `Cost Advisor ${i}`);

/** Imports `perAdvisor` more clients for every advisor (numbered from `from`) and assigns them. */
const addClients = async (from: number, perAdvisor: number) => {
  const clients = advisorNames.flatMap((_, a) =>
    Array.from({ length: perAdvisor }, (_, i) => ({
      first_name: `F${from + i}`,
      last_name: `Client ${a} ${String(from + i).padStart(5, '0')}`,
      accounts: [{ type: 'ira', value: 100 + i }],
    })),
  );
  const { importFile } = await import('../../shared/advisors/schemas.ts');
  await importing.importAdvisorsData(
    importFile.parse({
      clients,
      financial_advisors: advisorNames.map((name) => ({ name, focus_areas: ['cost'] })),
    }),
  );
  const advisors = (await repository.listAdvisors(undefined, ADVISORS)).items;
  const byName = new Map(advisors.map((a) => [a.name, a.id]));
  const { clientId } = await import('../../shared/advisors/identity.ts');
  await concurrency.mapBounded(clients, 8, (c) => {
    const advisor = byName.get(advisorNames[Number(c.last_name.split(' ')[1])]!)!;
    return useCases.assignAdvisor(clientId(c.first_name, c.last_name), advisor);
  });
  return byName.get(advisorNames[0]!)!;
};

const pageCosts = async (advisorId: string) => ({
  advisors: await measure(() => repository.listAdvisors(undefined, 10)),
  advisorClients: await measure(() => repository.advisorClients(advisorId, 10)),
  clients: await measure(() => repository.listClients(10)),
});

test('a page of advisors, of an advisor’s clients or of clients costs the same with 10x more clients behind it', async () => {
  const advisorId = await addClients(0, 10);
  const small = await pageCosts(advisorId);
  await addClients(10, 90);
  const large = await pageCosts(advisorId);
  const check = (await repository.advisorClients(advisorId, 10))!;
  expect(check.advisor.client_count).toBe(100);
  // Σ (100 + i) over i < 10 (the first import) and over i < 90 (the second)
  expect(check.total_value).toBe(100 * 100 + (9 * 10) / 2 + (89 * 90) / 2);

  process.stderr.write(`advisors page cost, 100 clients: ${JSON.stringify(small)}\n`);
  process.stderr.write(`advisors page cost, 1,000 clients: ${JSON.stringify(large)}\n`);
  for (const page of ['advisors', 'advisorClients', 'clients'] as const) {
    expect(large[page].calls).toBeLessThanOrEqual(small[page].calls + 1);
    expect(large[page].itemsRead).toBeLessThanOrEqual(small[page].itemsRead * 1.5);
    expect(large[page].rcu).toBeLessThanOrEqual(small[page].rcu * 1.5 + 1);
  }
}, 240_000);
