-- cited flows naming unknown actors, countries or cities; parts whose parent figure is missing
WITH refs AS (
    SELECT source_ref FROM flow WHERE dataset = 'cited'
    UNION ALL SELECT source_ref FROM fund_statistic WHERE dataset = 'cited'
)
SELECT flow_id AS id, 'actor/place' AS problem FROM flow
WHERE dataset = 'cited'
  AND ((source_actor_id IS NOT NULL AND source_actor_id NOT IN (SELECT actor_id FROM actor))
    OR (destination_actor_id IS NOT NULL AND destination_actor_id NOT IN (SELECT actor_id FROM actor))
    OR (recipient_country_iso3 IS NOT NULL AND recipient_country_iso3 NOT IN (SELECT iso3 FROM country))
    OR (recipient_city_id IS NOT NULL AND recipient_city_id NOT IN (SELECT city_id FROM city)))
UNION ALL
SELECT flow_id, 'part_of' FROM flow
WHERE dataset = 'cited' AND part_of IS NOT NULL AND part_of NOT IN (SELECT source_ref FROM refs)
UNION ALL
SELECT stat_id, 'part_of' FROM fund_statistic
WHERE dataset = 'cited' AND part_of IS NOT NULL AND part_of NOT IN (SELECT source_ref FROM refs)
UNION ALL
SELECT stat_id, 'actor' FROM fund_statistic
WHERE dataset = 'cited' AND actor_id IS NOT NULL AND actor_id NOT IN (SELECT actor_id FROM actor);
