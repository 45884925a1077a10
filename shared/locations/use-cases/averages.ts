import { listAverages } from '../repository.ts';

/** GET /users/{user_id}/location-averages: one page of the user's minute averages, oldest first. */
export const averagesOf = async (
  userId: string,
  query: { from?: string; to?: string; limit: number; cursor?: string },
) => {
  const page = await listAverages(userId, query);
  return { user_id: userId, items: page.items, next_cursor: page.next_cursor };
};
