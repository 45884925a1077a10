import { countryStats } from '../../shared/bus/country-stats.ts';
import { countryStatsQuery } from '../../shared/bus/schemas.ts';
import { httpRoute, ok } from '../../shared/core/http.ts';

export const handler = httpRoute({ query: countryStatsQuery }, async ({ query }) =>
  ok(await countryStats(query.from, query.to)),
);
