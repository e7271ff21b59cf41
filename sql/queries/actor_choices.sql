-- purpose: known actors an unmatched name can be assigned to (Load data page, review list)
-- grain: actor
-- params: none
-- columns: actor_id, name, kind, country_iso3
SELECT actor_id, name, kind, country_iso3
FROM actor
WHERE NOT needs_review
ORDER BY name, actor_id;
