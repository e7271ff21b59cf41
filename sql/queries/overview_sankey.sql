-- purpose: Sankey links contributor kind (or region) → channel → recipient region for one stage
--   group; left links from in-legs and direct flows, right links from out-legs and direct flows
--   (the two legs meet at the channel node and are never added together)
-- grain: one row per link (side, source, target)
-- params: @filters, group, by
-- columns: side, source, target, amount, flows
WITH f AS (
    SELECT * FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR)
    WHERE NOT is_part AND stage_group = $group AND flows > flows_without_amount
)
SELECT 'in' AS side,
       coalesce(CASE WHEN $by = 'region' THEN contributor_region ELSE source_kind END,
                'unspecified') AS source,
       channel AS target, sum(amount) AS amount,
       sum(flows - flows_without_amount)::BIGINT AS flows
FROM f WHERE given_side GROUP BY ALL
UNION ALL
SELECT 'out' AS side, channel AS source, coalesce(recipient_region_name, 'unspecified') AS target,
       sum(amount) AS amount, sum(flows - flows_without_amount)::BIGINT AS flows
FROM f WHERE received_side GROUP BY ALL
ORDER BY side, amount DESC;
