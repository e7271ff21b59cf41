-- flows_cube(...): flows_filtered(...) read from the pre-aggregated flow_cube table: the same
-- filters with the same meaning, one row per cube group instead of one per flow.
-- grain: a flow_cube group (see sql/migrations/002_flow_cube.sql)
-- The cube holds money in USD, EUR, CHF and GBP (the dashboard's display currencies); for any
-- other, pipelines.store.warehouse.query runs the same query text over flows_cube_flows(...)
-- (sql/views/per_flow_cube.sql: one flow per row, slower, same results), and flows_cube
-- itself raises an error. Two macros rather than a UNION of both: binding the per-flow branch
-- (all of flows_enriched) cost every chart query about 9 ms of planning even when the branch
-- was pruned.
-- params: exactly those of flows_filtered (dataset, year_from, year_to, funds, stages,
--   modalities, contributor_kinds, contributors, recipient_countries, regions, statuses,
--   currency)
-- adds: amount (the group's money in the display currency: NULL when no flow of the group has
--   one), flows (flows in the group), flows_without_amount (of them, without an amount),
--   flows_without_usd (of them, without amount_usd), original_without_amount (the sum of
--   amount_original of the flows without an amount).
-- A chart query over flows_filtered becomes one over flows_cube by counting with
-- sum(flows) instead of count(*), and sum(flows_without_amount) instead of
-- count(*) FILTER (amount IS NULL); sums, count(DISTINCT key column) and every filter on a key
-- column stay as they are (tests/test_aggregates.py checks each query against the base).
CREATE OR REPLACE MACRO flows_cube(
    p_dataset, p_year_from, p_year_to, p_funds, p_stages, p_modalities, p_kinds,
    p_contributors, p_countries, p_regions, p_statuses, p_currency
) AS TABLE
SELECT e.* EXCLUDE (flows, usd, eur, chf, gbp, usd_missing, eur_missing, chf_missing, gbp_missing,
                    usd_missing_original, eur_missing_original, chf_missing_original,
                    gbp_missing_original),
       p_currency AS display_currency,
       CASE p_currency WHEN 'USD' THEN e.usd::DOUBLE WHEN 'EUR' THEN e.eur
                       WHEN 'CHF' THEN e.chf WHEN 'GBP' THEN e.gbp
                       ELSE error('flow_cube holds no amounts in ' || p_currency
                                  || ': read flows_cube_flows') END AS amount,
       e.flows,
       CASE p_currency WHEN 'USD' THEN e.usd_missing WHEN 'EUR' THEN e.eur_missing
                       WHEN 'CHF' THEN e.chf_missing WHEN 'GBP' THEN e.gbp_missing
                       END AS flows_without_amount,
       e.usd_missing AS flows_without_usd,
       CASE p_currency WHEN 'USD' THEN e.usd_missing_original
                       WHEN 'EUR' THEN e.eur_missing_original
                       WHEN 'CHF' THEN e.chf_missing_original
                       WHEN 'GBP' THEN e.gbp_missing_original END AS original_without_amount
FROM flow_cube AS e
-- the dataset, illustrative rows only for an illustrative dataset (a join, not a scalar
-- subquery: see 00_filter_keys.sql), then the key filters
LEFT JOIN dataset AS d ON d.dataset = e.dataset
WHERE e.dataset = p_dataset
  AND e.is_illustrative = coalesce(d.is_illustrative, e.is_illustrative)
  AND filter_keys(
    e.year, e.channel, e.stage, e.modality, e.source_kind, e.source_actor_id,
    e.recipient_country_iso3, e.recipient_region_code, e.recipient_subregion_code,
    e.recipient_intermediate_code, e.is_ldc, e.is_lldc, e.is_sids,
    p_year_from, p_year_to, p_funds, p_stages, p_modalities, p_kinds,
    p_contributors, p_countries, p_regions, p_statuses);
