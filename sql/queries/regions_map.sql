-- purpose: Regions page choropleth: money received by each recipient country (out-legs and
--   direct flows) or given by each contributor's country (in-legs and direct flows)
-- grain: country (iso3)
-- params: @filters, group, direction
--   group: one stage group; direction: 'received' or 'given'
-- columns: iso3, country, amount, flows
WITH f AS (
    SELECT CASE WHEN $direction = 'given' THEN source_country_iso3
                ELSE recipient_country_iso3 END AS iso3, amount, flows
    FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR)
    WHERE NOT is_part AND stage_group = $group
      AND CASE WHEN $direction = 'given' THEN given_side ELSE received_side END
)
SELECT f.iso3, coalesce(any_value(c.name_en), f.iso3) AS country, sum(f.amount) AS amount,
       sum(f.flows)::BIGINT AS flows
FROM f LEFT JOIN country AS c ON c.iso3 = f.iso3
WHERE f.iso3 IS NOT NULL
GROUP BY f.iso3
ORDER BY amount DESC NULLS LAST;
