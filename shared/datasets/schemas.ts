import * as z from 'zod';

/** API.md: an inline file is at most 5 MB; larger ones go through a presigned upload. */
export const MAX_INLINE_BYTES = 5 * 1024 * 1024;
/** How long a presigned upload URL stays valid. */
export const UPLOAD_URL_SECONDS = 3600;

const datasetStatus = z.enum(['uploading', 'processing', 'ready', 'failed']);
export type DatasetStatus = z.output<typeof datasetStatus>;

export const datasetIdPath = z.object({ dataset_id: z.string().min(1).max(64) });

export const ownerQuery = z.object({
  application_id: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .meta({ description: 'Admin only: answer 404 unless the dataset belongs to this application' }),
});

export const createUploadBody = z
  .object({ name: z.string().trim().min(1).max(256).optional() })
  .strict()
  .default({})
  .meta({ id: 'CreateDatasetUpload' });

export const aggregateQuery = ownerQuery.extend({
  field: z
    .string()
    .min(1)
    .max(1024)
    .meta({
      description:
        'Dot-separated path; arrays on the way contribute each element; a key containing dots is matched ' +
        'whole; a bare name resolves to the unique full path ending with it.',
    }),
  group_by: z.string().min(1).max(1024).optional(),
  bins: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'With a numeric field: also a histogram of this many equal-width bins (1–200)' }),
});

export const createdDataset = z
  .object({
    id: z.string(),
    status: z.literal('ready'),
    records: z.number().int(),
    bytes: z.number().int(),
    created_at: z.string(),
  })
  .meta({ id: 'CreatedDataset' });

export const createdUpload = z
  .object({
    id: z.string(),
    upload_url: z.string().meta({ description: 'PUT the file here (up to 5 GB), no extra headers needed' }),
    expires_at: z.string(),
  })
  .meta({ id: 'DatasetUpload' });

const fieldSchema = z.object({
  path: z.string(),
  type: z.enum(['number', 'string', 'boolean', 'object', 'array', 'mixed']).meta({
    description:
      'JSON type of the values at this path as written (an array is `array`; its elements are not ' +
      'counted here); `mixed` when they differ. Numeric strings are `string`.',
  }),
  count: z.number().int().meta({ description: 'Non-null values at this path' }),
});

const datasetError = z.object({
  message: z.string(),
  offset: z.number().int().optional().meta({ description: 'Byte offset of the first error in the file' }),
});
export type DatasetError = z.output<typeof datasetError>;

export const dataset = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    status: datasetStatus,
    records: z.number().int().nullable().meta({ description: 'null until the import has finished' }),
    bytes: z.number().int().nullable(),
    fields: z.array(fieldSchema).meta({ description: 'Sorted by path; empty until ready' }),
    created_at: z.string(),
    error: datasetError.optional().meta({ description: 'Only when status is failed' }),
  })
  .meta({ id: 'Dataset' });
export type Dataset = z.output<typeof dataset>;

const numericStats = {
  count: z.number().int(),
  mean: z.number().nullable(),
  std: z.number().nullable().meta({ description: 'Sample standard deviation (n−1); null for one value' }),
  min: z.number().nullable(),
  p25: z.number().nullable().meta({ description: 'Linear interpolation between closest ranks (pandas)' }),
  p50: z.number().nullable(),
  p75: z.number().nullable(),
  max: z.number().nullable(),
  histogram: z
    .object({
      edges: z.array(z.number()).meta({ description: 'bins + 1 edges from min to max' }),
      counts: z.array(z.number().int()).meta({ description: 'Values per bin; the last bin is closed' }),
    })
    .nullable()
    .optional()
    .meta({ description: 'Only with `bins`; null when the field has no values' }),
};
const categoricalStats = {
  count: z.number().int(),
  unique: z.number().int(),
  top: z
    .union([z.string(), z.number(), z.boolean()])
    .nullable()
    .meta({ description: 'Most frequent value; ties go to the value seen first in the file' }),
  freq: z.number().int().nullable(),
};
const groupKey = z.union([z.string(), z.number(), z.boolean()]).meta({
  description:
    'Groups are sorted by key: numbers and numeric strings by value, then other strings by code point, ' +
    'then booleans. Values whose record/element has no key are left out.',
});

export const aggregateResult = z
  .union([
    z.object({ field: z.string(), ...numericStats }),
    z.object({ field: z.string(), ...categoricalStats }),
    z.object({
      field: z.string(),
      group_by: z.string(),
      groups: z.array(
        z.union([
          z.object({ key: groupKey, ...numericStats }),
          z.object({ key: groupKey, ...categoricalStats }),
        ]),
      ),
    }),
  ])
  .meta({
    id: 'DatasetAggregate',
    description:
      '`field`/`group_by` are the resolved full paths. Numeric statistics when every value is a number ' +
      'or numeric string, else categorical.',
  });

/**
 * The body of a datasets import message: an S3 notification of the uploads prefix, or the test event
 * S3 sends once when the notification is configured.
 */
export const s3NotificationMessage = z.union([
  z.object({ Event: z.literal('s3:TestEvent') }),
  z.object({
    Records: z.array(
      z.object({ eventName: z.string(), s3: z.object({ object: z.object({ key: z.string() }) }) }),
    ),
  }),
]);
export type S3NotificationMessage = z.output<typeof s3NotificationMessage>;
