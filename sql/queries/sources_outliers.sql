-- purpose: Sources page: flows of the selection flagged outlier (over US$10 billion) or negative
-- grain: flow
-- params: @filters
-- columns: flow_id, year, contributor, stage, amount_original, currency, amount_usd, flags, source_locator
SELECT flow_id, year, coalesce(source_name, source_actor_id) AS contributor, stage,
       amount_original::DOUBLE AS amount_original, currency, amount_usd::DOUBLE AS amount_usd,
       array_to_string(flags, ', ') AS flags, source_locator
FROM flows_flagged($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR)
WHERE list_contains(flags, 'outlier') OR list_contains(flags, 'negative_correction')
   OR amount_usd < 0
ORDER BY abs(amount_usd) DESC NULLS LAST
LIMIT 500;
