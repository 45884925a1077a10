import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { errorResponses, jsonBody, jsonResponse } from '../core/openapi.ts';
import {
  aggregateQuery,
  aggregateResult,
  createdDataset,
  createdUpload,
  createUploadBody,
  dataset,
  datasetIdPath,
  ownerQuery,
} from './schemas.ts';

const fileBody = {
  description:
    'A JSON array of objects, NDJSON, or JSON objects concatenated with or without whitespace; the framing ' +
    'is read from the bytes, whatever the content type. At most 5 MiB (5,242,880 bytes). A record may nest ' +
    'objects/arrays at most 64 levels deep (the record itself is level 1); the bracket that opens a 65th ' +
    'level is an error at its offset.',
  content: {
    'application/json': { schema: { type: 'string' as const } },
    'application/x-ndjson': { schema: { type: 'string' as const } },
    'text/plain': { schema: { type: 'string' as const } },
  },
};

export const datasetsPaths: ZodOpenApiPathsObject = {
  '/datasets': {
    post: {
      tags: ['datasets'],
      summary: 'Upload a file of JSON records inline; it is read, catalogued and ready at once',
      description:
        'A file that is none of the accepted framings is answered 400 `validation_error` with ' +
        '`details: [{"offset": <byte offset of the first error>, "message"}]`, and nothing is stored. ' +
        'A UTF-8 byte order mark is skipped; an empty body is an error (offset 0).',
      requestBody: fileBody,
      responses: {
        '201': jsonResponse('Stored and ready', createdDataset),
        '413': { description: 'Larger than 5 MiB: use POST /datasets/uploads' },
        ...errorResponses,
      },
    },
  },
  '/datasets/uploads': {
    post: {
      tags: ['datasets'],
      summary:
        'Get a presigned S3 PUT URL for a large file (up to 5 GB); the import starts when it is stored',
      description:
        'The import streams the file and writes its columnar extract in parts, so any size up to 5 GB ' +
        'imports in bounded memory; poll GET /datasets/{dataset_id} until `ready` or `failed`.',
      requestBody: jsonBody(createUploadBody),
      responses: { '201': jsonResponse('Upload URL', createdUpload), ...errorResponses },
    },
  },
  '/datasets/{dataset_id}': {
    get: {
      tags: ['datasets'],
      summary: 'Status, size and field catalogue of a dataset',
      description:
        'A dataset that can no longer become ready reads `failed` with an `error.message` saying why: a ' +
        'file that is none of the accepted framings (with the `offset` of its first error); ' +
        '"upload not received before the URL expired" for an upload URL that expired with nothing stored ' +
        '(such a dataset is deleted some days later); an import that failed on every retry, or whose last ' +
        'attempt ran out of time or memory. Nothing stays `processing` for ever.',
      requestParams: { path: datasetIdPath, query: ownerQuery },
      responses: { '200': jsonResponse('The dataset', dataset), ...errorResponses },
    },
  },
  '/datasets/{dataset_id}/aggregate': {
    get: {
      tags: ['datasets'],
      summary: 'describe()-style statistics of one field, optionally per group',
      description:
        'Numeric statistics (pandas describe: sample std, linear-interpolation percentiles) when every ' +
        'non-null value is a number or a numeric string, else count/unique/top/freq. Only scalar values ' +
        'count: a field that holds only objects is a 400 listing its sub-fields. An unknown or ambiguous ' +
        'name is a 400 whose detail lists `candidates`. The group key comes from the same array element as ' +
        'the value or an enclosing record/element; a group_by inside an array that does not contain the ' +
        'field is a 400. 409 while the dataset is not ready.',
      requestParams: { path: datasetIdPath, query: aggregateQuery },
      responses: {
        '200': jsonResponse('Statistics', aggregateResult),
        '409': { description: 'The dataset is not ready yet (or failed)' },
        ...errorResponses,
      },
    },
  },
};
