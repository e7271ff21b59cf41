-- purpose: Explore page free-text search: actors whose name or any alias (any language,
--   case- and accent-insensitive) contains the text, with the aliases that matched
-- grain: actor
-- params: q
--   q: normalised text (pipelines.reference.names.normalise); '' matches nothing
-- columns: actor_id, name, kind, country_iso3, aliases, flows
WITH hits AS (
    SELECT a.actor_id, NULL AS alias
    FROM actor AS a
    WHERE $q::VARCHAR <> '' AND contains(strip_accents(lower(a.name)), $q::VARCHAR)
    UNION ALL
    SELECT al.actor_id, al.alias
    FROM actor_alias AS al
    WHERE $q::VARCHAR <> '' AND contains(al.alias_norm, $q::VARCHAR)
)
SELECT a.actor_id, a.name, a.kind, a.country_iso3,
       string_agg(DISTINCT h.alias, ', ' ORDER BY h.alias) AS aliases,
       (SELECT count(*) FROM flow AS f
        WHERE a.actor_id IN (f.source_actor_id, f.destination_actor_id)) AS flows
FROM hits AS h
JOIN actor AS a USING (actor_id)
GROUP BY ALL
ORDER BY flows DESC, a.name
LIMIT 50;
