-- purpose: Regions page city-to-city map: partnerships between cities (reference data, with or
--   without amounts) and city-level flows of the selection (contributor's city → recipient city)
-- grain: one row per link (kind, from city, to city)
-- params: @filters
-- columns: kind, status, from_city, from_lat, from_lon, to_city, to_lat, to_lon, label, amount, flows
WITH pairs AS (
    SELECT 'partnership' AS kind, p.status,
           coalesce(p.source_city_id, sa.city_id) AS from_id,
           coalesce(p.destination_city_id, da.city_id) AS to_id,
           p.description AS label, NULL::DOUBLE AS amount, 0 AS flows
    FROM partnership AS p
    LEFT JOIN actor AS sa ON sa.actor_id = p.source_actor_id
    LEFT JOIN actor AS da ON da.actor_id = p.destination_actor_id
    UNION ALL
    SELECT 'flow', 'existing', f.from_city_id, f.to_city_id, NULL, sum(f.amount),
           sum(f.flows)::BIGINT
    FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR) AS f
    WHERE NOT f.is_part AND f.given_side
    GROUP BY ALL
)
SELECT p.kind, p.status, a.name AS from_city, a.lat AS from_lat, a.lon AS from_lon,
       b.name AS to_city, b.lat AS to_lat, b.lon AS to_lon,
       coalesce(p.label, a.name || ' → ' || b.name) AS label, p.amount, p.flows
FROM pairs AS p
JOIN city AS a ON a.city_id = p.from_id
JOIN city AS b ON b.city_id = p.to_id
WHERE a.lat IS NOT NULL AND b.lat IS NOT NULL AND a.city_id <> b.city_id
ORDER BY p.kind DESC, p.amount DESC NULLS LAST, from_city, to_city;
