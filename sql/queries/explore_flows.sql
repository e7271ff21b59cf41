-- purpose: the filtered flow rows behind the Explore page, its pivot, drill-down and exports
--          (one row per flow with every provenance column; `fundflows export` writes these)
-- grain: flow
-- params: dataset, year_from, year_to, fund, stage, modality, contributor_kind, contributor, recipient_country, region, status, stage_group, leg, q, display_currency
--   lists (VARCHAR[]; empty = all): dataset, fund (fund ids or the channels 'local_private' /
--   'direct'), stage, modality, contributor_kind, contributor, recipient_country, region (M49
--   codes of region / sub-region / intermediate region, or their names), status, stage_group,
--   leg; year_from, year_to INTEGER or NULL; q normalised search text ('' = none);
--   display_currency ISO code
-- columns: flow_id, dataset, is_illustrative, year, flow_date, stage, stage_group, leg, ...,
--          amount_original, currency, amount_usd, amount_display, fx_*, flags, source_*, batch_*
-- Every column a pivot groups or filters on comes from the flows_enriched view, as in the
-- charts and the pre-aggregated flow_cube (sql/queries/explore_cube.sql reads that instead,
-- with the same results: tests/test_slices_cube.py). amount_display converts amount_usd as
-- flows_filtered does: at the display currency's rate on the flow date (the latest rate on or
-- before it), or at the year's average rate for a year-only flow; NULL without a rate.
WITH base AS (
    SELECT e.*, coalesce(e.flow_date, make_date(e.year, 7, 1)) AS rate_on
    FROM flows_enriched AS e
    WHERE (len($dataset::VARCHAR[]) = 0 OR e.dataset = ANY($dataset::VARCHAR[]))
      AND ($year_from::INTEGER IS NULL OR e.year >= $year_from::INTEGER)
      AND ($year_to::INTEGER IS NULL OR e.year <= $year_to::INTEGER)
      AND (len($fund::VARCHAR[]) = 0 OR e.channel = ANY($fund::VARCHAR[]))
      AND (len($stage::VARCHAR[]) = 0 OR e.stage = ANY($stage::VARCHAR[]))
      AND (len($modality::VARCHAR[]) = 0 OR e.modality = ANY($modality::VARCHAR[]))
      AND (len($contributor::VARCHAR[]) = 0 OR e.source_actor_id = ANY($contributor::VARCHAR[]))
      AND (len($recipient_country::VARCHAR[]) = 0
           OR e.recipient_country_iso3 = ANY($recipient_country::VARCHAR[]))
      AND (len($leg::VARCHAR[]) = 0 OR e.leg = ANY($leg::VARCHAR[]))
      AND (len($contributor_kind::VARCHAR[]) = 0 OR e.source_kind = ANY($contributor_kind::VARCHAR[]))
      AND (len($region::VARCHAR[]) = 0 OR e.recipient_region_code = ANY($region::VARCHAR[])
           OR e.recipient_subregion_code = ANY($region::VARCHAR[])
           OR e.recipient_intermediate_code = ANY($region::VARCHAR[])
           OR e.recipient_region_name = ANY($region::VARCHAR[])
           OR e.recipient_subregion_name = ANY($region::VARCHAR[]))
      AND (len($status::VARCHAR[]) = 0 OR ('ldc' = ANY($status::VARCHAR[]) AND e.is_ldc)
           OR ('lldc' = ANY($status::VARCHAR[]) AND e.is_lldc)
           OR ('sids' = ANY($status::VARCHAR[]) AND e.is_sids))
      AND (len($stage_group::VARCHAR[]) = 0 OR e.stage_group = ANY($stage_group::VARCHAR[]))
),
rates AS (              -- only the display currency's rates (none for USD)
    SELECT rate_date, usd_per_unit FROM fx_daily WHERE currency = $display_currency::VARCHAR
),
year_rates AS (
    SELECT year(rate_date) AS year, avg(usd_per_unit) AS usd_per_unit FROM rates GROUP BY ALL
),
display AS (            -- US dollars need no rate: no as-of join (it sorts every flow)
    SELECT b.*, b.amount_usd::DOUBLE AS amount_display
    FROM base AS b WHERE $display_currency::VARCHAR = 'USD'
    UNION ALL
    SELECT b.*,
           CASE WHEN b.flow_date IS NULL THEN b.amount_usd::DOUBLE / y.usd_per_unit
                ELSE b.amount_usd::DOUBLE / d.usd_per_unit END AS amount_display
    FROM base AS b
    ASOF LEFT JOIN rates AS d ON b.rate_on >= d.rate_date
    LEFT JOIN year_rates AS y ON y.year = b.year
    WHERE $display_currency::VARCHAR <> 'USD'
),
enriched AS (
    SELECT f.flow_id, f.dataset, f.is_illustrative, f.year, f.flow_date, f.stage, f.stage_group,
           f.leg, f.modality, f.instrument, f.fund_id AS fund, f.fund_short_name AS fund_name,
           f.source_actor_id AS contributor_id, f.source_name AS contributor,
           f.source_kind AS contributor_kind, f.source_country_iso3 AS contributor_country,
           f.contributor_region,
           f.destination_actor_id AS recipient_id, f.destination_name AS recipient,
           f.destination_kind AS recipient_kind,
           f.recipient_country_iso3 AS recipient_country, f.recipient_country_name,
           f.recipient_region_name AS recipient_region,
           f.recipient_subregion_name AS recipient_subregion, f.recipient_city_id,
           f.recipient_region_code, f.recipient_subregion_code, f.recipient_intermediate_code,
           f.is_ldc, f.is_lldc, f.is_sids,
           f.amount_original, f.currency, f.amount_usd, f.amount_display,
           $display_currency::VARCHAR AS display_currency,
           f.fx_rate, f.fx_date, f.fx_source, f.flags, f.description,
           f.source_document_id, sd.symbol AS source_symbol, sd.title AS source_title,
           sd.url AS source_url, f.source_locator, f.source_ref, f.part_of,
           f.is_part AS counted_in_parent,
           f.parent_flow_id, f.batch_id, lb.file_name AS batch_file,
           f.transaction_type, f.flow_type, f.finance_type, f.aid_type, f.sector, f.iati_activity_id
    FROM display AS f
    LEFT JOIN source_document AS sd ON sd.source_document_id = f.source_document_id
    LEFT JOIN load_batch AS lb ON lb.batch_id = f.batch_id
)
SELECT * FROM enriched
WHERE ($q::VARCHAR = '' OR contains(strip_accents(lower(coalesce(contributor, ''))), $q::VARCHAR)
       OR contains(strip_accents(lower(coalesce(recipient, ''))), $q::VARCHAR)
       OR contains(strip_accents(lower(coalesce(description, ''))), $q::VARCHAR)
       OR EXISTS (SELECT 1 FROM actor_alias AS al WHERE al.actor_id IN (contributor_id, recipient_id)
                  AND contains(al.alias_norm, $q::VARCHAR)))
