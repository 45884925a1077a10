import { httpRoute, ok } from '../../shared/core/http.ts';
import { replayPath } from '../../shared/events/schemas.ts';
import { replayStatusOf } from '../../shared/events/use-cases/replay.ts';

export const handler = httpRoute({ path: replayPath }, async ({ caller, path }) =>
  ok(await replayStatusOf(caller, path.replay_id)),
);
