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
