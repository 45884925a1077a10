// Typed errors: the domain throws these; `toErrorResponse` (http.ts) is the one place that maps them to HTTP.
export type ErrorCode =
  | 'invalid_json'
  | 'validation_error'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'range_too_large'
  | 'internal';

export type ErrorDetail = { path?: string; message: string } & Record<string, unknown>;

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details: ErrorDetail[] | undefined;

  constructor(status: number, code: ErrorCode, message: string, details?: ErrorDetail[]) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const invalidJson = (message = 'Request body is not valid JSON', details?: ErrorDetail[]) =>
  new ApiError(400, 'invalid_json', message, details);
export const validationError = (message: string, details?: ErrorDetail[]) =>
  new ApiError(400, 'validation_error', message, details);
export const unauthorized = (message = 'Missing or unknown bearer token') =>
  new ApiError(401, 'unauthorized', message);
export const forbidden = (message = 'This token may not call this route') =>
  new ApiError(403, 'forbidden', message);
export const notFound = (message = 'Not found') => new ApiError(404, 'not_found', message);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);
export const payloadTooLarge = (message: string) => new ApiError(413, 'payload_too_large', message);
export const unsupportedMediaType = (message: string) => new ApiError(415, 'unsupported_media_type', message);
export const rangeTooLarge = (message: string) => new ApiError(422, 'range_too_large', message);
