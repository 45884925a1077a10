import { ok, publicRoute } from '../../shared/core/http.ts';

export const handler = publicRoute({}, async () => ok({ status: 'ok' }));
