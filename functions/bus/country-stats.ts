import { countryStatsQuery } from '../../shared/bus/schemas.ts';
import { countryStats } from '../../shared/bus/use-cases/country-stats.ts';
import { env } from '../../shared/core/env.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';

const maxBytes = env.COUNTRY_STATS_SYNC_MAX_BYTES;
if (maxBytes === undefined) throw new Error('Missing configuration COUNTRY_STATS_SYNC_MAX_BYTES');

export const handler = httpRoute({ query: countryStatsQuery }, async ({ query }) =>
  ok(await countryStats(query.from, query.to, maxBytes)),
);
