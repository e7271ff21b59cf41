-- filter_keys(...): the dashboard's filters on the key columns of one enriched flow row or cube
-- group, everything but the dataset and the illustrative rule (see filter_match). First the
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

-- filter_match(...): the dashboard's filters on one enriched flow row (or cube group), shared by
-- the table macro flows_filtered so a filter means the same thing everywhere. First the row's
-- columns, then the filter parameters (see flows_filtered.sql; empty lists mean "no filter").
-- Illustrative rows pass only for an illustrative dataset. flows_cube and flows_flagged apply
-- the same rules with a join on the dataset table and filter_keys (a scalar subquery here
-- costs planning time, and over the small pre-aggregated tables it met a DuckDB 2.0 planner
-- fault: integer sums narrowed to 8 bits; tests/test_aggregates.py guards both forms).
CREATE OR REPLACE MACRO filter_match(
    r_dataset, r_is_illustrative, r_year, r_channel, r_stage, r_modality, r_source_kind,
    r_source_actor_id,
    r_recipient_country_iso3, r_region_code, r_subregion_code, r_intermediate_code,
    r_is_ldc, r_is_lldc, r_is_sids,
    p_dataset, p_year_from, p_year_to, p_funds, p_stages, p_modalities, p_kinds,
    p_contributors, p_countries, p_regions, p_statuses
) AS
    r_dataset = p_dataset
    AND r_is_illustrative = coalesce(
        (SELECT any_value(d.is_illustrative) FROM dataset AS d WHERE d.dataset = p_dataset),
        r_is_illustrative)
    AND (p_year_from IS NULL OR r_year >= p_year_from)
    AND (p_year_to IS NULL OR r_year <= p_year_to)
    AND (len(p_funds) = 0 OR r_channel = ANY(p_funds))
    AND (len(p_stages) = 0 OR r_stage = ANY(p_stages))
    AND (len(p_modalities) = 0 OR r_modality = ANY(p_modalities))
    AND (len(p_kinds) = 0 OR r_source_kind = ANY(p_kinds))
    AND (len(p_contributors) = 0 OR r_source_actor_id = ANY(p_contributors))
    AND (len(p_countries) = 0 OR r_recipient_country_iso3 = ANY(p_countries))
    AND (len(p_regions) = 0 OR r_region_code = ANY(p_regions)
         OR r_subregion_code = ANY(p_regions) OR r_intermediate_code = ANY(p_regions))
    AND (len(p_statuses) = 0 OR (r_is_ldc AND list_contains(p_statuses, 'ldc'))
         OR (r_is_lldc AND list_contains(p_statuses, 'lldc'))
         OR (r_is_sids AND list_contains(p_statuses, 'sids')));
