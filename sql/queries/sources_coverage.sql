-- purpose: Sources page: which channels (funds, local private, direct) have data in which years
-- grain: channel × year
-- params: @filters
-- columns: channel, year, flows
SELECT channel, year, sum(flows)::BIGINT AS flows
FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR)
WHERE year IS NOT NULL
GROUP BY ALL
ORDER BY channel, year;
