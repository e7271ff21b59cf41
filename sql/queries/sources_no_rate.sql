-- purpose: Sources page: flows of the selection with no amount in the display currency (no
--   USD rate at load, or no rate of the display currency at the flow date), by currency and year
-- grain: currency × year
-- params: @filters
-- columns: currency, year, flows, amount_original, no_usd
SELECT currency, year, count(*) AS flows, sum(amount_original)::DOUBLE AS amount_original,
       count(*) FILTER (amount_usd IS NULL) AS no_usd
FROM flows_filtered($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR)
WHERE amount IS NULL AND NOT is_part
GROUP BY ALL
ORDER BY flows DESC, currency, year;
