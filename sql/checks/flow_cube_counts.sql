-- flow_cube_counts: the pre-aggregated flow_cube (pipelines/aggregates.maintain) holds every
-- flow of every dataset once: per dataset, its flow count equals the cube's summed flows.
-- A stale or partial cube would show other totals than the flows; this check refuses it.
WITH f AS (SELECT dataset, count(*) AS n FROM flow GROUP BY dataset),
c AS (SELECT dataset, sum(flows) AS n FROM flow_cube GROUP BY dataset)
SELECT coalesce(f.dataset, c.dataset) AS dataset, f.n AS flows, c.n AS cube_flows
FROM f FULL OUTER JOIN c ON c.dataset = f.dataset
WHERE f.n IS DISTINCT FROM c.n;
