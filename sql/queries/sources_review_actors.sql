-- purpose: Sources page: actor names a load could not match (created as new actors, to review),
--   with how many flows of this dataset use them
-- grain: actor
-- params: dataset
-- columns: actor_id, name, kind, country_iso3, flows
SELECT a.actor_id, a.name, a.kind, a.country_iso3,
       count(f.flow_id) AS flows
FROM actor AS a
LEFT JOIN flow AS f
    ON f.dataset = $dataset AND a.actor_id IN (f.source_actor_id, f.destination_actor_id)
WHERE a.needs_review
GROUP BY ALL
ORDER BY flows DESC, a.name;
