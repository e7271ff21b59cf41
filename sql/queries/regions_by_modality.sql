-- purpose: Regions page: money received by M49 region and sub-region, split by modality
--   (out-legs and direct flows of one stage group)
-- grain: region × subregion × modality
-- params: @filters, group
-- columns: region, subregion, modality, amount, flows
SELECT coalesce(recipient_region_name, 'unspecified') AS region,
       coalesce(recipient_subregion_name, 'unspecified') AS subregion,
       coalesce(modality, 'unspecified') AS modality, sum(amount) AS amount, sum(flows)::BIGINT AS flows
FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR)
WHERE NOT is_part AND received_side AND stage_group = $group
GROUP BY ALL
ORDER BY region, subregion, modality;
