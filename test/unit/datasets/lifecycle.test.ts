import { describe, expect, test } from '@jest/globals';
import { IMPORT_TIMED_OUT, visibleState } from '../../../shared/datasets/lifecycle.ts';

const created = '2026-01-01T10:00:00.000Z';
const at = (iso: string) => Date.parse(iso);
const HOUR = 3600;

describe('what a reader sees of a dataset', () => {
  test('an upload still awaited after its URL expired is failed, with the API.md message', () => {
    expect(
      visibleState({ status: 'uploading', created_at: created }, at('2026-01-01T11:00:00.001Z'), HOUR),
    ).toEqual({ status: 'failed', error: { message: 'upload not received before the URL expired' } });
  });

  test('an upload is awaited until the last moment of its URL', () => {
    expect(
      visibleState({ status: 'uploading', created_at: created }, at('2026-01-01T11:00:00.000Z'), HOUR),
    ).toEqual({ status: 'uploading' });
  });

  test('an import claimed on its last receive whose time ran out is failed', () => {
    const item = {
      status: 'processing' as const,
      created_at: created,
      deadline: at('2026-01-01T10:20:00.000Z'),
      final_attempt: true,
    };
    expect(visibleState(item, at('2026-01-01T10:19:59.000Z'), HOUR)).toEqual({ status: 'processing' });
    expect(visibleState(item, at('2026-01-01T10:20:00.001Z'), HOUR)).toEqual({
      status: 'failed',
      error: { message: IMPORT_TIMED_OUT },
    });
  });

  test('an import past its deadline with retries left stays processing: its message comes back', () => {
    const item = {
      status: 'processing' as const,
      created_at: created,
      deadline: at('2026-01-01T10:20:00.000Z'),
    };
    expect(visibleState(item, at('2026-01-01T12:00:00.000Z'), HOUR)).toEqual({ status: 'processing' });
  });

  test('ready and failed datasets read as stored, long after any deadline', () => {
    const now = at('2027-01-01T00:00:00.000Z');
    expect(visibleState({ status: 'ready', created_at: created }, now, HOUR)).toEqual({ status: 'ready' });
    const error = { offset: 3, message: 'bad' };
    expect(visibleState({ status: 'failed', created_at: created, error }, now, HOUR)).toEqual({
      status: 'failed',
      error,
    });
  });
});
