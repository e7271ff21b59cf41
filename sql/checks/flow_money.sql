-- flows without US dollars that are not flagged no_fx_rate, or with a malformed currency.
-- $batches: the batches a publication wrote when only they can have changed (NULL: every
-- flow; pipelines/store/warehouse.py decides)
SELECT flow_id, currency, amount_usd, flags FROM flow
WHERE ($batches IS NULL OR list_contains($batches, batch_id))
  AND ((amount_usd IS NULL AND NOT list_contains(flags, 'no_fx_rate'))
       OR NOT regexp_full_match(currency, '[A-Z]{3}'));
