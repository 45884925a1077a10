import { accepted, httpRoute } from '../../shared/core/http.ts';
import { startReplay } from '../../shared/events/replay.ts';
import { replayBody } from '../../shared/events/schemas.ts';

export const handler = httpRoute({ body: replayBody }, async ({ caller, body }) =>
  accepted(await startReplay(caller, body)),
);
