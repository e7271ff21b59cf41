-- purpose: Sources page: possible duplicates across datasets: a flow of this dataset with the
--   same contributor, recipient, date (or year) and amount as a flow of another dataset
-- grain: pair of flows
-- params: dataset
-- columns: flow_id, other_dataset, other_flow_id, contributor, recipient, date, amount_original, currency
SELECT a.flow_id, b.dataset AS other_dataset, b.flow_id AS other_flow_id,
       coalesce(sa.name, a.source_actor_id) AS contributor,
       coalesce(da.name, a.recipient_country_iso3, a.fund_id) AS recipient,
       coalesce(a.flow_date::VARCHAR, a.year::VARCHAR) AS date,
       a.amount_original::DOUBLE AS amount_original, a.currency
FROM flow AS a
JOIN flow AS b
    ON b.dataset <> a.dataset AND b.dataset <> $dataset   -- (the same: lets DuckDB skip the
                                                          --  dataset's own flows early)
   AND b.amount_original = a.amount_original AND b.currency = a.currency
   AND b.flow_date IS NOT DISTINCT FROM a.flow_date AND b.year IS NOT DISTINCT FROM a.year
   AND coalesce(b.destination_actor_id, b.recipient_country_iso3, b.fund_id)
       IS NOT DISTINCT FROM coalesce(a.destination_actor_id, a.recipient_country_iso3, a.fund_id)
LEFT JOIN actor AS sa ON sa.actor_id = a.source_actor_id
LEFT JOIN actor AS sb ON sb.actor_id = b.source_actor_id
LEFT JOIN actor AS da ON da.actor_id = a.destination_actor_id
WHERE a.dataset = $dataset
  AND (a.source_actor_id = b.source_actor_id OR lower(sa.name) = lower(sb.name))
ORDER BY a.amount_original DESC, a.flow_id
LIMIT 500;
