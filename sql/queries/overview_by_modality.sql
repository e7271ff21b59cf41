-- purpose: money by modality per stage group (groups side by side, never added)
-- grain: modality × stage_group
-- params: @filters
-- columns: modality, stage_group, amount, flows
SELECT coalesce(modality, 'unspecified') AS modality, stage_group, sum(amount) AS amount,
       sum(flows)::BIGINT AS flows
FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR)
WHERE in_group_total
GROUP BY ALL
ORDER BY modality, stage_group;
