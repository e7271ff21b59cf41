-- flows without US dollars that are not flagged no_fx_rate, or with a malformed currency
SELECT flow_id, currency, amount_usd, flags FROM flow
WHERE (amount_usd IS NULL AND NOT list_contains(flags, 'no_fx_rate'))
   OR NOT regexp_full_match(currency, '[A-Z]{3}');
