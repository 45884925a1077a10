import * as z from 'zod';
import { pageQuery } from '../core/validation.ts';
import { advisorId, clientId } from './identity.ts';
import { MAX_ACCOUNT_VALUE, toCents } from './money.ts';

const personName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^\P{Cc}*$/u, 'must not contain control characters');

/** A JSON number with at most 2 decimals, parsed to integer cents. */
const money = z
  .number()
  .transform((value, ctx) => {
    const parsed = toCents(value);
    if ('error' in parsed) {
      ctx.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    }
    return parsed.cents;
  })
  .meta({
    description: `Non-negative amount with at most 2 decimals, below ${MAX_ACCOUNT_VALUE}`,
    example: 1000.5,
  });

const importAccount = z.object({ type: z.string().trim().min(1).max(64), value: money });

const importClient = z.object({
  first_name: personName,
  last_name: personName,
  accounts: z.array(importAccount).max(100).default([]),
});

const importAdvisor = z.object({
  name: personName,
  focus_areas: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
});

// Two entries with the same natural key would silently merge into one item; the file is refused instead.
const firstSeen = (keys: string[]) => {
  const seen = new Map<string, number>();
  return keys.map((key, index) => {
    const earlier = seen.get(key);
    if (earlier === undefined) seen.set(key, index);
    return earlier;
  });
};

export const importFile = z
  .object({
    clients: z.array(importClient).max(20_000),
    financial_advisors: z.array(importAdvisor).max(1_000),
  })
  .superRefine((file, ctx) => {
    firstSeen(file.clients.map((c) => clientId(c.first_name, c.last_name))).forEach((earlier, i) => {
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['clients', i],
          message: `same first and last name as clients.${earlier}`,
        });
      }
    });
    firstSeen(file.financial_advisors.map((a) => advisorId(a.name))).forEach((earlier, i) => {
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['financial_advisors', i],
          message: `same name as financial_advisors.${earlier}`,
        });
      }
    });
  })
  .meta({
    id: 'AdvisorsImportFile',
    description:
      'Clients are identified by first + last name and advisors by name (case and spacing ignored); ' +
      'a name may appear once per file.',
  });

export type ImportFile = z.output<typeof importFile>;

export const importResult = z
  .object({
    clients: z.object({ created: z.number().int(), updated: z.number().int() }),
    advisors: z.object({ created: z.number().int(), updated: z.number().int() }),
  })
  .meta({ id: 'AdvisorsImportResult' });

export type ImportResult = z.output<typeof importResult>;

export const advisor = z
  .object({
    id: z.string(),
    name: z.string(),
    focus_areas: z.array(z.string()),
    available: z.boolean(),
    client_count: z.number().int(),
  })
  .meta({ id: 'Advisor' });

export type Advisor = z.output<typeof advisor>;

export const clientSummary = z
  .object({
    id: z.string(),
    first_name: z.string(),
    last_name: z.string(),
    advisor_id: z.string().nullable(),
    total_value: z.number().meta({ description: 'Sum of the accounts, exact to the cent; 0 for none' }),
  })
  .meta({ id: 'Client' });

export type ClientSummary = z.output<typeof clientSummary>;

const account = z.object({ type: z.string(), value: z.number() }).meta({ id: 'Account' });

const advisorClient = z
  .object({
    id: z.string(),
    first_name: z.string(),
    last_name: z.string(),
    accounts: z.array(account),
    total_value: z.number(),
  })
  .meta({ id: 'AdvisorClient' });

export type AdvisorClient = z.output<typeof advisorClient>;

export const advisorClientsPage = z
  .object({
    advisor,
    items: z.array(advisorClient),
    next_cursor: z.string().nullable(),
    total_value: z.number().meta({ description: "Sum over all the advisor's clients, not just this page" }),
  })
  .meta({ id: 'AdvisorClientsPage' });

export const listAdvisorsQuery = pageQuery.extend({
  available: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

const id = z.string().min(1).max(64);
export const advisorIdPath = z.object({ advisor_id: id });
export const clientIdPath = z.object({ client_id: id });

export const availabilityBody = z
  .object({ available: z.boolean() })
  .strict()
  .meta({ id: 'AdvisorAvailability' });
export const assignBody = z.object({ advisor_id: id }).strict().meta({ id: 'AssignAdvisor' });
