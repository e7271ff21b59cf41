-- filter_keys(...): the dashboard's filters on the key columns of one enriched flow row or cube
-- group, shared by flows_filtered, flows_cube and flows_flagged so a filter means the same thing
-- everywhere. The dataset and the illustrative rule (illustrative rows only for an illustrative
-- dataset) are not here: each macro writes them as a LEFT JOIN on the dataset table, because a
-- scalar subquery over `dataset` cost planning time and, over the small pre-aggregated tables,
-- met a DuckDB 2.0 planner fault (integer sums narrowed to 8 bits; tests/test_aggregates.py
-- guards the results). First the
-- row's columns, then the filter parameters (see flows_filtered.sql; empty lists mean "no
-- filter"). list_contains instead of `= ANY(list)`: the same rows pass (the macro is only used
-- as a WHERE condition, where NULL and false both drop a row), and no semi/mark join per list
-- is planned (a few milliseconds of planning per chart query).
CREATE OR REPLACE MACRO filter_keys(
    r_year, r_channel, r_stage, r_modality, r_source_kind, r_source_actor_id,
    r_recipient_country_iso3, r_region_code, r_subregion_code, r_intermediate_code,
    r_is_ldc, r_is_lldc, r_is_sids,
    p_year_from, p_year_to, p_funds, p_stages, p_modalities, p_kinds,
    p_contributors, p_countries, p_regions, p_statuses
) AS
    (p_year_from IS NULL OR r_year >= p_year_from)
    AND (p_year_to IS NULL OR r_year <= p_year_to)
    AND (len(p_funds) = 0 OR list_contains(p_funds, r_channel))
    AND (len(p_stages) = 0 OR list_contains(p_stages, r_stage))
    AND (len(p_modalities) = 0 OR list_contains(p_modalities, r_modality))
    AND (len(p_kinds) = 0 OR list_contains(p_kinds, r_source_kind))
    AND (len(p_contributors) = 0 OR list_contains(p_contributors, r_source_actor_id))
    AND (len(p_countries) = 0 OR list_contains(p_countries, r_recipient_country_iso3))
    AND (len(p_regions) = 0 OR list_contains(p_regions, r_region_code)
         OR list_contains(p_regions, r_subregion_code)
         OR list_contains(p_regions, r_intermediate_code))
    AND (len(p_statuses) = 0 OR (r_is_ldc AND list_contains(p_statuses, 'ldc'))
         OR (r_is_lldc AND list_contains(p_statuses, 'lldc'))
         OR (r_is_sids AND list_contains(p_statuses, 'sids')));
