import type { ClientRecord } from './import-plan.ts';

// An advisor's book: how many clients it has and what their accounts add up to. Kept with every write
// that changes either, in the same transaction, so a listing reads the figures instead of counting.

/** What a write to a client is conditioned on: the assignment and the total it was read with. */
export interface ClientState {
  advisor_id?: string;
  total_cents: number;
}

/** New content for a stored client, and the state it was read in. */
export interface ClientUpdate {
  record: ClientRecord;
  was: ClientState;
}

/** One transaction of content updates, with what each book gains (negative: loses) by them. */
export interface UpdateBatch {
  updates: ClientUpdate[];
  books: { advisorId: string; cents: number }[];
}

const delta = (u: ClientUpdate) => u.record.total_cents - u.was.total_cents;

/**
 * Packs content updates into transactions of at most `max` actions: one per client, plus one per book
 * whose total they change. Clients of one advisor go together, so a book is written once per batch
 * rather than once per client (an import that changes 20,000 clients of one advisor is 202
 * transactions on its book, not 20,000).
 */
export const updateBatches = (updates: readonly ClientUpdate[], max = 100): UpdateBatch[] => {
  const sorted = [...updates].sort((a, b) => (a.was.advisor_id ?? '').localeCompare(b.was.advisor_id ?? ''));
  const batches: UpdateBatch[] = [];
  let updatesOf: ClientUpdate[] = [];
  let books = new Map<string, number>();
  const close = () => {
    if (updatesOf.length === 0) return;
    batches.push({
      updates: updatesOf,
      books: [...books]
        .filter(([, cents]) => cents !== 0)
        .map(([advisorId, cents]) => ({ advisorId, cents })),
    });
    updatesOf = [];
    books = new Map();
  };
  for (const update of sorted) {
    const advisorId = update.was.advisor_id;
    const newBook = advisorId !== undefined && delta(update) !== 0 && !books.has(advisorId);
    if (updatesOf.length + books.size + 1 + (newBook ? 1 : 0) > max) close();
    updatesOf.push(update);
    if (advisorId !== undefined && delta(update) !== 0) {
      books.set(advisorId, (books.get(advisorId) ?? 0) + delta(update));
    }
  }
  close();
  return batches;
};
