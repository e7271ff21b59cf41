-- purpose: Sources page: flows of the selection with no amount in the display currency (no
--   USD rate at load, or no rate of the display currency at the flow date), by currency and year
-- grain: currency × year
-- params: @filters
-- columns: currency, year, flows, amount_original, no_usd
SELECT currency, year, sum(flows_without_amount)::BIGINT AS flows,
       sum(original_without_amount)::DOUBLE AS amount_original,
       sum(flows_without_usd)::BIGINT AS no_usd
FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR)
WHERE flows_without_amount > 0 AND NOT is_part
GROUP BY ALL
ORDER BY flows DESC, currency, year;
