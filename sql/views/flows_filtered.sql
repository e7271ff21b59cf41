-- flows_filtered(...): the dashboard's filters applied to flows_enriched, with the amount in
-- the display currency. Every chart query selects FROM this macro, so filters mean the same
-- thing everywhere.
-- grain: flow_id
-- params (in order): dataset, year_from, year_to (NULL: open), funds (channels: fund ids,
--   'local_private', 'direct'), stages, modalities, contributor_kinds, contributors (actor ids),
--   recipient_countries (iso3), regions (M49 codes of region, sub-region or intermediate
--   region, 3 digits), statuses (ldc, lldc, sids: any of them), currency (display).
--   Empty lists mean "no filter".
-- adds: amount (display currency at the flow date, or the year's average rate for a year-only
--   date; NULL when the flow has no USD amount or the display currency has no rate then).
--   Illustrative rows are kept only when the dataset is illustrative (and real rows only when
--   it is not): they never share a total.
CREATE OR REPLACE MACRO flows_filtered(
    p_dataset, p_year_from, p_year_to, p_funds, p_stages, p_modalities, p_kinds,
    p_contributors, p_countries, p_regions, p_statuses, p_currency
) AS TABLE
WITH rates AS (         -- only the display currency's rates (none for USD)
    SELECT rate_date, usd_per_unit FROM fx_daily WHERE currency = p_currency
),
year_rates AS (
    SELECT year(rate_date) AS year, avg(usd_per_unit) AS usd_per_unit FROM rates GROUP BY ALL
),
base AS (
    SELECT e.*, p_currency AS display_currency,
           coalesce(e.flow_date, make_date(e.year, 7, 1)) AS rate_on
    FROM flows_enriched AS e
    -- illustrative rows only for an illustrative dataset (and real rows only for a real one),
    -- written as a join as flows_cube writes it (see 00_filter_keys.sql), then the key filters
    LEFT JOIN dataset AS d ON d.dataset = e.dataset
    WHERE e.dataset = p_dataset
      AND e.is_illustrative = coalesce(d.is_illustrative, e.is_illustrative)
      AND filter_keys(
        e.year, e.channel, e.stage, e.modality, e.source_kind, e.source_actor_id,
        e.recipient_country_iso3, e.recipient_region_code, e.recipient_subregion_code,
        e.recipient_intermediate_code, e.is_ldc, e.is_lldc, e.is_sids,
        p_year_from, p_year_to, p_funds, p_stages, p_modalities, p_kinds,
        p_contributors, p_countries, p_regions, p_statuses)
)
-- US dollars need no rate: skip the rate joins entirely (the ASOF join dominated at 10M flows)
SELECT b.*, b.amount_usd::DOUBLE AS amount
FROM base AS b
WHERE p_currency = 'USD'
UNION ALL
SELECT b.*,
       CASE WHEN b.flow_date IS NULL THEN b.amount_usd::DOUBLE / y.usd_per_unit
            ELSE b.amount_usd::DOUBLE / d.usd_per_unit END AS amount
FROM base AS b
ASOF LEFT JOIN rates AS d ON b.rate_on >= d.rate_date
LEFT JOIN year_rates AS y ON y.year = b.year
WHERE p_currency <> 'USD';
