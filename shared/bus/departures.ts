import * as json from '../core/json-bytes.ts';
import { GeneralRecord, NEED_MORE } from './departures-general.ts';
import { UsualRecords, WINDOW } from './departures-usual.ts';

// Local copies: V8 reads an imported binding through its module cell at each use (scan's loop).
const { CLOSE_ARRAY, COMMA, OPEN_ARRAY, OPEN_OBJECT, WHITESPACE } = json;

// A streaming scanner for a city-day file: a JSON array of departures, fed chunk by chunk, that keeps
// only the running totals the statistics need. The usual layout (the upstream's key order and spacing)
// is matched eight bytes at a time, in a loop that reads record after record without leaving
// (departures-usual.ts); anything else — other key order, whitespace, escapes, extra keys, numbers like
// 5.7e1 — goes through a general JSON reader (departures-general.ts), so every valid spelling gives the
// same totals. This driver reads the array around the records, and carries over only the unfinished
// record at the end of a chunk, never the file.

export interface DepartureTotals {
  departures: number;
  passengers: number;
  accident: boolean;
  /** The summed delay: whole milliseconds plus the nanoseconds below them, both exact integers. */
  delayMs: number;
  delayNs: number;
}

export class InvalidDepartures extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'InvalidDepartures';
    this.offset = offset;
  }
}

/** The first slice of a chunk joined to the carried bytes: more than a usual record. */
const JOIN_BYTES = 512;

type State = 'start' | 'first' | 'next' | 'after' | 'done';

/** Adds `more` to `totals`, keeping the nanoseconds below a millisecond. */
const addTotals = (totals: DepartureTotals, more: DepartureTotals) => {
  totals.departures += more.departures;
  totals.passengers += more.passengers;
  totals.delayMs += more.delayMs;
  totals.delayNs += more.delayNs;
  if (totals.delayNs >= 1_000_000) {
    totals.delayMs += Math.floor(totals.delayNs / 1_000_000);
    totals.delayNs %= 1_000_000;
  }
  if (more.accident) totals.accident = true;
};

export class DepartureScanner {
  private state: State = 'start';
  private carry: Uint8Array | undefined;
  /** The offset in the file of the buffer being read (for error offsets). */
  private base = 0;
  private readonly usual = new UsualRecords();
  private readonly general = new GeneralRecord((message, at) => this.fail(message, at));

  readonly totals: DepartureTotals = {
    departures: 0,
    passengers: 0,
    accident: false,
    delayMs: 0,
    delayNs: 0,
  };

  push(chunk: Uint8Array): void {
    let from = 0;
    if (this.carry) {
      // Only the record cut by the previous chunk boundary is copied: the carry joined with as much of
      // this chunk as it takes to finish it. The rest of the chunk is read in place.
      let carry = this.carry;
      this.carry = undefined;
      for (let take = Math.min(chunk.length, JOIN_BYTES); ; take = Math.min(chunk.length, take * 8)) {
        const joined = Buffer.concat([carry, chunk.subarray(0, take)]);
        const stop = this.scan(joined, 0, false);
        if (stop >= carry.length) {
          from = stop - carry.length;
          this.base += carry.length;
          break;
        }
        this.base += stop;
        if (take === chunk.length) {
          this.carry = joined.subarray(stop);
          return;
        }
        carry = joined.subarray(stop, carry.length);
      }
    }
    const stop = this.scan(chunk, from, false);
    // A copy: the caller may reuse its buffer, and the carry is usually a fraction of a record.
    if (stop < chunk.length) this.carry = Buffer.from(chunk.subarray(stop));
    this.base += stop;
  }

  /**
   * Reads buf from `p` as far as it can; returns where it stopped (buf[0] is at byte `base`). Unless
   * `last` (no more data will come), a record is not started nearer the end than WINDOW: it is carried
   * into the next chunk, where the usual path can read it.
   */
  private scan(buf: Uint8Array, p: number, last: boolean): number {
    const end = buf.length;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    while (p < end) {
      const b = buf[p]!;
      if (WHITESPACE[b]) {
        p++;
        continue;
      }
      if (this.state === 'start') {
        if (b !== OPEN_ARRAY) this.fail('expected [', p);
        this.state = 'first';
        p++;
      } else if (this.state === 'after') {
        if (b === COMMA) this.state = 'next';
        else if (b === CLOSE_ARRAY) this.state = 'done';
        else this.fail('expected , or ]', p);
        p++;
      } else if (this.state === 'done') {
        this.fail('unexpected data after the array', p);
      } else if (b === CLOSE_ARRAY && this.state === 'first') {
        this.state = 'done';
        p++;
      } else {
        if (b !== OPEN_OBJECT) this.fail('expected a departure object', p);
        const roomy = p + WINDOW <= end;
        if (!roomy && !last) break;
        let next = roomy ? this.usual.read(buf, view, p, end) : p;
        if (next !== p) addTotals(this.totals, this.usual.run);
        else {
          next = this.general.read(buf, p, end);
          if (next === NEED_MORE) break;
          addTotals(this.totals, this.general.record);
        }
        this.state = 'after';
        p = next;
      }
    }
    return p;
  }

  /** The totals once the whole file was pushed; throws if the array is incomplete. */
  end(): DepartureTotals {
    const carry = this.carry;
    this.carry = undefined;
    const stop = carry ? this.scan(carry, 0, true) : 0;
    if (this.state !== 'done') this.fail('unexpected end of data', (carry?.length ?? 0) - stop);
    // Sums of whole numbers stay exact in a double only this far.
    const { passengers, delayMs } = this.totals;
    if (passengers > Number.MAX_SAFE_INTEGER || delayMs > Number.MAX_SAFE_INTEGER) {
      this.fail('totals too large to add up exactly', carry?.length ?? 0);
    }
    return this.totals;
  }

  private fail(message: string, at: number): never {
    throw new InvalidDepartures(message, this.base + at);
  }
}
