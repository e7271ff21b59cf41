-- flagged_ids: the flows the outlier list shows (flags outlier or negative_correction, or a
-- negative amount), found on the bare flow table; at most $cap + 1 of them.
-- params: cap
SELECT flow_id FROM flow
WHERE list_contains(flags, 'outlier') OR list_contains(flags, 'negative_correction')
   OR amount_usd < 0
LIMIT $cap + 1;
