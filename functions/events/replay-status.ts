import { httpRoute, ok } from '../../shared/core/http.ts';
import { replayStatusOf } from '../../shared/events/replay.ts';
import { replayPath } from '../../shared/events/schemas.ts';

export const handler = httpRoute({ path: replayPath }, async ({ caller, path }) =>
  ok(await replayStatusOf(caller, path.replay_id)),
);
