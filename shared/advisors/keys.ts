import { createHash } from 'node:crypto';
import { tableName } from '../core/env.ts';

// Every key of the advisors table, in one place. Every access pattern is a GetItem, a BatchGetItem or a
// Query, never a Scan:
//   client          pk CLIENT#<id>    sk CLIENT
//   advisor         pk ADVISOR#<id>   sk ADVISOR
//   advisor's book  pk ADVISOR#<id>   sk BOOK      client_count, total_cents: kept with every write
//                                                  that changes them, so no read ever counts or sums
//   gsi1 on clients:  ADVISOR#<advisor id>             / last#first#id  an advisor's clients, by name
//   gsi1 on advisors: ADVISORS#available|unavailable   / name#id        advisors by availability
//   gsi2 on clients:  CLIENTS#<shard>                  / last#first#id  every client, by name
//   gsi2 on advisors: ADVISORS                         / name#id        every advisor, by name
//
// Partitions that every writer shares, against DynamoDB's 1,000 WCU/s per partition:
// - CLIENTS takes a write for every client written, assignments included. An import creates or updates
//   up to 20,000 clients in one request, 100 per transaction with 4 in flight: ~700 a second on DynamoDB
//   Local here, several times that deployed, at ~1 WCU each (a client of a few accounts is well under
//   1 KB). One partition would throttle the import at 1,000 a second; 8 shards take 8,000, and each
//   extra shard costs every page of the listing one more Query (sharded-page.ts merges them).
// - ADVISORS and ADVISORS#available|unavailable take a write only when an advisor is created, renamed or
//   has its availability changed: at most 1,000 per import file, and nothing per assignment, because the
//   counters live on the book, which no index projects. Unsharded, so a page of advisors stays one Query.
// - An advisor's book takes a transactional write (2 WCU) per assignment to or from that advisor: ~500
//   assignments a second to one advisor, far beyond people assigning clients; an import changing many
//   of one advisor's clients writes the book once per transaction of 99 clients.
// - ADVISOR#<id> in gsi1 takes the writes of one advisor's clients only: not shared by every writer.
export const CLIENT_SHARDS = 8;

/** The shard of a client's listing entry: stable, and even over ids (they are hashes themselves). */
export const clientShard = (id: string): number =>
  createHash('sha256').update(id).digest().readUInt16BE(0) % CLIENT_SHARDS;

export const keys = {
  client: (id: string) => ({ pk: `CLIENT#${id}`, sk: 'CLIENT' }),
  advisor: (id: string) => ({ pk: `ADVISOR#${id}`, sk: 'ADVISOR' }),
  book: (id: string) => ({ pk: `ADVISOR#${id}`, sk: 'BOOK' }),
  advisorPartition: (id: string) => `ADVISOR#${id}`,
  advisorClients: (advisorId: string) => `ADVISOR#${advisorId}`,
  availability: (available: boolean) => (available ? 'ADVISORS#available' : 'ADVISORS#unavailable'),
  clientsShard: (shard: number) => `CLIENTS#${shard}`,
  allAdvisors: 'ADVISORS',
};

export const table = () => tableName('advisors');
