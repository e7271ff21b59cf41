-- flows_flagged(...): the dashboard's filters (exactly those of flows_filtered, same
-- parameters) over flow_flagged. No amount in the display currency: the outlier list shows
-- original and USD amounts. The rules of flows_filtered, written as flows_cube writes them (a
-- join on the dataset table and filter_keys; see sql/views/00_filter_keys.sql).
CREATE OR REPLACE MACRO flows_flagged(
    p_dataset, p_year_from, p_year_to, p_funds, p_stages, p_modalities, p_kinds,
    p_contributors, p_countries, p_regions, p_statuses, p_currency
) AS TABLE
SELECT e.*, p_currency AS display_currency
FROM flow_flagged AS e
LEFT JOIN dataset AS d ON d.dataset = e.dataset
WHERE e.dataset = p_dataset
  AND e.is_illustrative = coalesce(d.is_illustrative, e.is_illustrative)
  AND filter_keys(
    e.year, e.channel, e.stage, e.modality, e.source_kind, e.source_actor_id,
    e.recipient_country_iso3, e.recipient_region_code, e.recipient_subregion_code,
    e.recipient_intermediate_code, e.is_ldc, e.is_lldc, e.is_sids,
    p_year_from, p_year_to, p_funds, p_stages, p_modalities, p_kinds,
    p_contributors, p_countries, p_regions, p_statuses);
