-- purpose: the Explore pivot's slice read from the pre-aggregated flow_cube: the filters of
--          explore_flows.sql on the cube's groups, one row per group with explore_flows' column
--          names, so a pivot over it gives exactly the pivot over the flows
--          (tests/test_slices_cube.py compares them over random pivots and filters)
-- grain: a flow_cube group (see sql/migrations/002_flow_cube.sql)
-- params: dataset, year_from, year_to, fund, stage, modality, contributor_kind, contributor, recipient_country, region, status, stage_group, leg, q, display_currency
--   as in explore_flows.sql. The cube holds no text to search and money only in USD, EUR, CHF
--   and GBP: with a search text or another display currency it returns no row and the caller
--   (pipelines/query/slices.py) reads explore_flows instead.
-- columns: the grouping columns of explore_flows a pivot uses, plus flows (flows in the
--   group), amount_usd (their exact USD sum), amount_display (their sum in the display
--   currency, NULL when none has an amount in it) and flows_without_rate.
SELECT c.dataset, c.is_illustrative, c.year, c.stage, c.stage_group, c.leg, c.modality,
       c.channel AS fund, c.fund_short_name AS fund_name,
       c.source_actor_id AS contributor_id, c.source_name AS contributor,
       c.source_kind AS contributor_kind, c.contributor_region,
       c.recipient_country_iso3 AS recipient_country, c.recipient_country_name,
       c.recipient_region_name AS recipient_region,
       c.recipient_subregion_name AS recipient_subregion,
       c.is_ldc, c.is_lldc, c.is_sids, c.currency,
       c.source_document_id, sd.symbol AS source_symbol, sd.title AS source_title,
       c.is_part AS counted_in_parent,
       c.flows, c.usd AS amount_usd,
       CASE $display_currency::VARCHAR WHEN 'USD' THEN c.usd::DOUBLE WHEN 'EUR' THEN c.eur
            WHEN 'CHF' THEN c.chf WHEN 'GBP' THEN c.gbp END AS amount_display,
       CASE $display_currency::VARCHAR WHEN 'USD' THEN c.usd_missing
            WHEN 'EUR' THEN c.eur_missing WHEN 'CHF' THEN c.chf_missing
            WHEN 'GBP' THEN c.gbp_missing END AS flows_without_rate
FROM flow_cube AS c
LEFT JOIN source_document AS sd ON sd.source_document_id = c.source_document_id
WHERE $q::VARCHAR = '' AND $display_currency::VARCHAR IN ('USD', 'EUR', 'CHF', 'GBP')
  AND (len($dataset::VARCHAR[]) = 0 OR c.dataset = ANY($dataset::VARCHAR[]))
  AND ($year_from::INTEGER IS NULL OR c.year >= $year_from::INTEGER)
  AND ($year_to::INTEGER IS NULL OR c.year <= $year_to::INTEGER)
  AND (len($fund::VARCHAR[]) = 0 OR c.channel = ANY($fund::VARCHAR[]))
  AND (len($stage::VARCHAR[]) = 0 OR c.stage = ANY($stage::VARCHAR[]))
  AND (len($modality::VARCHAR[]) = 0 OR c.modality = ANY($modality::VARCHAR[]))
  AND (len($contributor::VARCHAR[]) = 0 OR c.source_actor_id = ANY($contributor::VARCHAR[]))
  AND (len($recipient_country::VARCHAR[]) = 0
       OR c.recipient_country_iso3 = ANY($recipient_country::VARCHAR[]))
  AND (len($leg::VARCHAR[]) = 0 OR c.leg = ANY($leg::VARCHAR[]))
  AND (len($contributor_kind::VARCHAR[]) = 0 OR c.source_kind = ANY($contributor_kind::VARCHAR[]))
  AND (len($region::VARCHAR[]) = 0 OR c.recipient_region_code = ANY($region::VARCHAR[])
       OR c.recipient_subregion_code = ANY($region::VARCHAR[])
       OR c.recipient_intermediate_code = ANY($region::VARCHAR[])
       OR c.recipient_region_name = ANY($region::VARCHAR[])
       OR c.recipient_subregion_name = ANY($region::VARCHAR[]))
  AND (len($status::VARCHAR[]) = 0 OR ('ldc' = ANY($status::VARCHAR[]) AND c.is_ldc)
       OR ('lldc' = ANY($status::VARCHAR[]) AND c.is_lldc)
       OR ('sids' = ANY($status::VARCHAR[]) AND c.is_sids))
  AND (len($stage_group::VARCHAR[]) = 0 OR c.stage_group = ANY($stage_group::VARCHAR[]))
