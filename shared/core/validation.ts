import * as z from 'zod';
import type { ErrorDetail } from './errors.ts';

export const zodDetails = (error: z.ZodError): ErrorDetail[] =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));

/** `?limit=&cursor=` as API.md defines them for every list. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().min(1).max(4096).optional(),
});

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/**
 * API.md: on every route a `from` later than `to` is a 400, never an empty answer (nor a key condition
 * DynamoDB refuses). `order` maps a value to something comparable, undefined when it does not parse
 * (its own field check reports that).
 */
export const rangeInOrder =
  (order: (value: string) => string | number | undefined) =>
  (query: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
    if (query.from === undefined || query.to === undefined) return;
    const from = order(query.from);
    const to = order(query.to);
    if (from !== undefined && to !== undefined && from > to) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
    }
  };
