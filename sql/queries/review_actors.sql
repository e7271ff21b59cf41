-- purpose: actors a load created because no known actor matched (the admin's review list)
-- grain: actor
-- params: none
-- columns: actor_id, name, kind, country_iso3, origin, flows, batches
SELECT a.actor_id,
       a.name,
       a.kind,
       a.country_iso3,
       a.origin,
       count(f.flow_id) AS flows,
       count(DISTINCT f.batch_id) AS batches
FROM actor AS a
LEFT JOIN flow AS f
       ON a.actor_id IN (f.source_actor_id, f.destination_actor_id)
WHERE a.needs_review
GROUP BY ALL
ORDER BY flows DESC, a.name;
