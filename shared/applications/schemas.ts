import * as z from 'zod';
import { SCOPES } from '../core/auth.ts';

const scopeSchema = z.enum(SCOPES);

export const createApplicationBody = z
  .object({
    name: z.string().trim().min(1).max(128),
    scopes: z.array(scopeSchema).min(1).default(['events']),
  })
  .strict()
  .meta({ id: 'CreateApplication' });

export const applicationIdPath = z.object({ application_id: z.string().min(1).max(64) });

export const application = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(scopeSchema),
    created_at: z.string().meta({ description: 'ISO 8601 UTC, milliseconds' }),
  })
  .meta({ id: 'Application' });

export const createdApplication = application
  .extend({ api_key: z.string().meta({ description: 'Shown only in this response; stored as a hash.' }) })
  .meta({ id: 'CreatedApplication' });

export type Application = z.output<typeof application>;
