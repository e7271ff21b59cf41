-- purpose: money by year per stage group (headline rule of in_group_total: groups side by side,
--   never added together)
-- grain: year × stage_group
-- params: @filters
-- columns: year, stage_group, amount, flows
SELECT year, stage_group, sum(amount) AS amount, sum(flows)::BIGINT AS flows
FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR)
WHERE in_group_total
GROUP BY ALL
ORDER BY year, stage_group;
