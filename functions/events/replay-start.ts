import { accepted, httpRoute } from '../../shared/core/http.ts';
import { replayBody } from '../../shared/events/schemas.ts';
import { startReplay } from '../../shared/events/use-cases/replay.ts';

export const handler = httpRoute({ body: replayBody }, async ({ caller, body }) =>
  accepted(await startReplay(caller, body)),
);
