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
--          amount_original, qualifier (over, about, at_least: the cited figure's own word), currency,
--          amount_usd, amount_display, fx_*, flags, source_*, batch_*
-- Every column a pivot groups or filters on is defined as in sql/views/flows_enriched.sql (the
-- charts) and sql/aggregates/flow_cube_insert.sql (the pre-aggregated flow_cube (sql/queries/explore_cube.sql reads that instead,
-- with the same results: tests/test_slices_cube.py). amount_display converts amount_usd as
-- flows_filtered does: at the display currency's rate on the flow date (the latest rate on or
-- before it), or at the year's average rate for a year-only flow; NULL without a rate.
WITH base AS (
    SELECT f.*,
           CASE WHEN f.stage IN ('pledge', 'commitment') THEN 'promised'
                WHEN f.stage IN ('paid', 'disbursement') THEN 'transferred'
                WHEN f.stage = 'allocation' THEN 'allocated'
                WHEN f.stage = 'expenditure' THEN 'used' END AS stage_group
    FROM flow AS f
    WHERE (len($dataset::VARCHAR[]) = 0 OR f.dataset = ANY($dataset::VARCHAR[]))
      AND ($year_from::INTEGER IS NULL OR f.year >= $year_from::INTEGER)
      AND ($year_to::INTEGER IS NULL OR f.year <= $year_to::INTEGER)
      AND (len($fund::VARCHAR[]) = 0 OR coalesce(f.fund_id, CASE WHEN f.modality = 'local_private'
           THEN 'local_private' ELSE 'direct' END) = ANY($fund::VARCHAR[]))
      AND (len($stage::VARCHAR[]) = 0 OR f.stage = ANY($stage::VARCHAR[]))
      AND (len($modality::VARCHAR[]) = 0 OR f.modality = ANY($modality::VARCHAR[]))
      AND (len($contributor::VARCHAR[]) = 0 OR f.source_actor_id = ANY($contributor::VARCHAR[]))
      AND (len($recipient_country::VARCHAR[]) = 0
           OR f.recipient_country_iso3 = ANY($recipient_country::VARCHAR[]))
      AND (len($leg::VARCHAR[]) = 0 OR f.leg = ANY($leg::VARCHAR[]))
),
rates AS (              -- only the display currency's rates (none for USD)
    SELECT rate_date, usd_per_unit FROM fx_daily
    WHERE currency = $display_currency::VARCHAR AND $display_currency::VARCHAR <> 'USD'
),
days AS (               -- the as-of rate of each flow date, once per date (not per flow)
    SELECT d.day, r.usd_per_unit
    FROM (SELECT DISTINCT flow_date AS day FROM flow
          WHERE flow_date IS NOT NULL AND $display_currency::VARCHAR <> 'USD') AS d
    ASOF LEFT JOIN rates AS r ON d.day >= r.rate_date
),
year_rates AS (         -- a year-only flow: the year's average rate
    SELECT year(rate_date) AS year, avg(usd_per_unit) AS usd_per_unit FROM rates GROUP BY ALL
),
parents AS (           -- figures that some flow of the same dataset is a breakdown of
    SELECT DISTINCT p.dataset, p.source_ref
    FROM flow AS p
    SEMI JOIN (SELECT dataset, part_of FROM flow WHERE part_of IS NOT NULL) AS c
        ON c.dataset = p.dataset AND c.part_of = p.source_ref
),
region_only AS (       -- a region code without a country: M49 codes, or a mapped vocabulary
    SELECT r.vocabulary, r.code, coalesce(a.code, b.code) AS area_code
    FROM region AS r
    LEFT JOIN m49_area AS a
        ON r.vocabulary = 'm49' AND a.code = lpad(coalesce(try_cast(r.code AS INTEGER)::VARCHAR, r.code), 3, '0')
    LEFT JOIN m49_area AS b ON b.level = 'region' AND b.name = r.m49_region
),
enriched AS (
    SELECT f.flow_id, f.dataset, f.is_illustrative, f.year, f.flow_date, f.stage, f.stage_group,
           f.leg, f.modality, f.instrument, f.fund_id AS fund, fu.short_name AS fund_name,
           f.source_actor_id AS contributor_id, sa.name AS contributor,
           sa.kind AS contributor_kind, sa.country_iso3 AS contributor_country,
           sc.region_name AS contributor_region,
           f.destination_actor_id AS recipient_id, da.name AS recipient, da.kind AS recipient_kind,
           f.recipient_country_iso3 AS recipient_country, rc.name_en AS recipient_country_name,
           coalesce(rc.region_name, ar.region_name) AS recipient_region,
           coalesce(rc.subregion_name, ar.subregion_name) AS recipient_subregion,
           f.recipient_city_id,
           coalesce(lpad(rc.region_code::VARCHAR, 3, '0'), ar.region_code) AS recipient_region_code,
           coalesce(lpad(rc.subregion_code::VARCHAR, 3, '0'), ar.subregion_code) AS recipient_subregion_code,
           lpad(rc.intermediate_region_code::VARCHAR, 3, '0') AS recipient_intermediate_code,
           coalesce(status_held(sl.spans, f.flow_date, f.year), rc.is_ldc, false) AS is_ldc,
           coalesce(status_held(sll.spans, f.flow_date, f.year), rc.is_lldc, false) AS is_lldc,
           coalesce(status_held(ss.spans, f.flow_date, f.year), rc.is_sids, false) AS is_sids,
           f.amount_original, f.qualifier, f.currency, f.amount_usd,
           CASE WHEN $display_currency::VARCHAR = 'USD' THEN f.amount_usd::DOUBLE
                WHEN f.flow_date IS NULL THEN f.amount_usd::DOUBLE / y.usd_per_unit
                ELSE f.amount_usd::DOUBLE / d.usd_per_unit END AS amount_display,
           $display_currency::VARCHAR AS display_currency,
           f.fx_rate, f.fx_date, f.fx_source, f.flags, f.description,
           f.source_document_id, sd.symbol AS source_symbol, sd.title AS source_title,
           sd.url AS source_url, f.source_locator, f.source_ref, f.part_of,
           f.part_of IS NOT NULL AND pa.source_ref IS NOT NULL AS counted_in_parent,
           f.parent_flow_id, f.batch_id, lb.file_name AS batch_file,
           f.transaction_type, f.flow_type, f.finance_type, f.aid_type, f.sector, f.iati_activity_id
    FROM base AS f
    LEFT JOIN days AS d ON d.day = f.flow_date
    LEFT JOIN year_rates AS y ON y.year = f.year
    LEFT JOIN fund AS fu ON fu.fund_id = f.fund_id
    LEFT JOIN actor AS sa ON sa.actor_id = f.source_actor_id
    LEFT JOIN country AS sc ON sc.iso3 = sa.country_iso3
    LEFT JOIN actor AS da ON da.actor_id = f.destination_actor_id
    LEFT JOIN country AS rc ON rc.iso3 = f.recipient_country_iso3
    LEFT JOIN region_only AS ro
        ON rc.iso3 IS NULL AND ro.vocabulary = f.recipient_region_vocab AND ro.code = f.recipient_region
    LEFT JOIN m49_area AS ar
        ON rc.iso3 IS NULL AND ar.code = coalesce(ro.area_code, CASE WHEN f.recipient_region_vocab = 'm49'
                                                  THEN lpad(f.recipient_region, 3, '0') END)
    LEFT JOIN status_spans AS sl ON sl.iso3 = f.recipient_country_iso3 AND sl.status = 'ldc'
    LEFT JOIN status_spans AS sll ON sll.iso3 = f.recipient_country_iso3 AND sll.status = 'lldc'
    LEFT JOIN status_spans AS ss ON ss.iso3 = f.recipient_country_iso3 AND ss.status = 'sids'
    LEFT JOIN source_document AS sd ON sd.source_document_id = f.source_document_id
    LEFT JOIN load_batch AS lb ON lb.batch_id = f.batch_id
    LEFT JOIN parents AS pa ON pa.dataset = f.dataset AND pa.source_ref = f.part_of
)
SELECT * FROM enriched
WHERE (len($contributor_kind::VARCHAR[]) = 0 OR contributor_kind = ANY($contributor_kind::VARCHAR[]))
  AND (len($region::VARCHAR[]) = 0 OR recipient_region_code = ANY($region::VARCHAR[])
       OR recipient_subregion_code = ANY($region::VARCHAR[])
       OR recipient_intermediate_code = ANY($region::VARCHAR[])
       OR recipient_region = ANY($region::VARCHAR[]) OR recipient_subregion = ANY($region::VARCHAR[]))
  AND (len($status::VARCHAR[]) = 0 OR ('ldc' = ANY($status::VARCHAR[]) AND is_ldc)
       OR ('lldc' = ANY($status::VARCHAR[]) AND is_lldc) OR ('sids' = ANY($status::VARCHAR[]) AND is_sids))
  AND (len($stage_group::VARCHAR[]) = 0 OR stage_group = ANY($stage_group::VARCHAR[]))
  AND ($q::VARCHAR = '' OR contains(strip_accents(lower(coalesce(contributor, ''))), $q::VARCHAR)
       OR contains(strip_accents(lower(coalesce(recipient, ''))), $q::VARCHAR)
       OR contains(strip_accents(lower(coalesce(description, ''))), $q::VARCHAR)
       OR EXISTS (SELECT 1 FROM actor_alias AS al WHERE al.actor_id IN (contributor_id, recipient_id)
                  AND contains(al.alias_norm, $q::VARCHAR)))
