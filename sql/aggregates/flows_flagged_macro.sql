-- flows_flagged(...): the dashboard's filters (exactly those of flows_filtered, same
-- parameters) over flow_flagged. No amount in the display currency: the outlier list shows
-- original and USD amounts.
CREATE OR REPLACE MACRO flows_flagged(
    p_dataset, p_year_from, p_year_to, p_funds, p_stages, p_modalities, p_kinds,
    p_contributors, p_countries, p_regions, p_statuses, p_currency
) AS TABLE
SELECT e.*, p_currency AS display_currency
FROM flow_flagged AS e
WHERE e.dataset = p_dataset
  AND e.is_illustrative = coalesce(
      (SELECT any_value(d.is_illustrative) FROM dataset AS d WHERE d.dataset = p_dataset),
      e.is_illustrative)
  AND (p_year_from IS NULL OR e.year >= p_year_from)
  AND (p_year_to IS NULL OR e.year <= p_year_to)
  AND (len(p_funds) = 0 OR e.channel = ANY(p_funds))
  AND (len(p_stages) = 0 OR e.stage = ANY(p_stages))
  AND (len(p_modalities) = 0 OR e.modality = ANY(p_modalities))
  AND (len(p_kinds) = 0 OR e.source_kind = ANY(p_kinds))
  AND (len(p_contributors) = 0 OR e.source_actor_id = ANY(p_contributors))
  AND (len(p_countries) = 0 OR e.recipient_country_iso3 = ANY(p_countries))
  AND (len(p_regions) = 0 OR e.recipient_region_code = ANY(p_regions)
       OR e.recipient_subregion_code = ANY(p_regions)
       OR e.recipient_intermediate_code = ANY(p_regions))
  AND (len(p_statuses) = 0 OR (e.is_ldc AND list_contains(p_statuses, 'ldc'))
       OR (e.is_lldc AND list_contains(p_statuses, 'lldc'))
       OR (e.is_sids AND list_contains(p_statuses, 'sids')));
