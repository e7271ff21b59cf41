-- purpose: Funds page: allocations by recipient region and country (out-legs and direct flows)
-- grain: region × country
-- params: @filters
-- columns: region, country, amount, flows
SELECT coalesce(recipient_region_name, 'unspecified') AS region,
       coalesce(recipient_country_name, recipient_subregion_name, 'unspecified') AS country,
       sum(amount) AS amount, sum(flows)::BIGINT AS flows
FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR)
WHERE in_group_total AND stage_group = 'allocated'
GROUP BY ALL
ORDER BY amount DESC NULLS LAST;
