-- flows_enriched: one row per flow with everything a chart filters or groups on.
-- grain: flow_id
-- adds: source/destination actor name, kind, country; contributor M49 region; recipient
--   country name, M49 region and sub-region (from the country, else from the region code);
--   LDC/LLDC/SIDS/G-77 status of the recipient on the flow's date, or on 1 January of its year
--   (status_spans / status_held, 00_status_spans.sql; else the country's current flags); fund
--   short name; stage_group; channel (fund_id, or 'local_private' / 'direct' when no fund); is_part (a breakdown of a figure
--   present in the same dataset: never added to it); given_side (in + direct legs: totals by
--   contributor) and received_side (out + direct legs: totals by recipient); in_group_total
--   (the row counts in its stage group's headline total: promised and transferred where money
--   enters — in-legs and direct flows —, allocated and used where it leaves — out-legs and
--   direct flows —, and never a breakdown row).
CREATE OR REPLACE VIEW m49_area AS
SELECT DISTINCT lpad(region_code::VARCHAR, 3, '0') AS code, region_name AS name, 'region' AS level,
       lpad(region_code::VARCHAR, 3, '0') AS region_code, region_name,
       NULL::VARCHAR AS subregion_code, NULL::VARCHAR AS subregion_name
FROM country WHERE region_code IS NOT NULL
UNION
SELECT DISTINCT lpad(subregion_code::VARCHAR, 3, '0'), subregion_name, 'subregion',
       lpad(region_code::VARCHAR, 3, '0'), region_name,
       lpad(subregion_code::VARCHAR, 3, '0'), subregion_name
FROM country WHERE subregion_code IS NOT NULL
UNION
SELECT DISTINCT lpad(intermediate_region_code::VARCHAR, 3, '0'), intermediate_region_name,
       'intermediate', lpad(region_code::VARCHAR, 3, '0'), region_name,
       lpad(subregion_code::VARCHAR, 3, '0'), subregion_name
FROM country WHERE intermediate_region_code IS NOT NULL;

CREATE OR REPLACE VIEW flows_enriched AS
WITH region_only AS (   -- a region code without a country: M49 codes, or a mapped vocabulary
    SELECT r.vocabulary, r.code, coalesce(a.code, b.code) AS area_code
    FROM region AS r
    LEFT JOIN m49_area AS a
        ON r.vocabulary = 'm49' AND a.code = lpad(coalesce(try_cast(r.code AS INTEGER)::VARCHAR, r.code), 3, '0')
    LEFT JOIN m49_area AS b ON b.level = 'region' AND b.name = r.m49_region
)
, parents AS (           -- figures that some flow of the same dataset is a breakdown of
    SELECT DISTINCT p.dataset, p.source_ref
    FROM flow AS p
    SEMI JOIN (SELECT dataset, part_of FROM flow WHERE part_of IS NOT NULL) AS c
        ON c.dataset = p.dataset AND c.part_of = p.source_ref
)
, enriched AS (
SELECT f.*,
       sa.name AS source_name, sa.kind AS source_kind, sa.country_iso3 AS source_country_iso3,
       da.name AS destination_name, da.kind AS destination_kind,
       da.country_iso3 AS destination_country_iso3,
       sc.region_name AS contributor_region,
       rc.name_en AS recipient_country_name,
       coalesce(lpad(rc.region_code::VARCHAR, 3, '0'), ar.region_code) AS recipient_region_code,
       coalesce(rc.region_name, ar.region_name) AS recipient_region_name,
       coalesce(lpad(rc.subregion_code::VARCHAR, 3, '0'), ar.subregion_code) AS recipient_subregion_code,
       coalesce(rc.subregion_name, ar.subregion_name) AS recipient_subregion_name,
       lpad(rc.intermediate_region_code::VARCHAR, 3, '0') AS recipient_intermediate_code,
       coalesce(status_held(s_ldc.spans, f.flow_date, f.year), rc.is_ldc, false) AS is_ldc,
       coalesce(status_held(s_lldc.spans, f.flow_date, f.year), rc.is_lldc, false) AS is_lldc,
       coalesce(status_held(s_sids.spans, f.flow_date, f.year), rc.is_sids, false) AS is_sids,
       coalesce(status_held(s_g77.spans, f.flow_date, f.year), rc.is_g77, false) AS is_g77,
       fu.short_name AS fund_short_name,
       CASE WHEN f.stage IN ('pledge', 'commitment') THEN 'promised'
            WHEN f.stage IN ('paid', 'disbursement') THEN 'transferred'
            WHEN f.stage = 'allocation' THEN 'allocated'
            WHEN f.stage = 'expenditure' THEN 'used' END AS stage_group,
       CASE WHEN f.fund_id IS NOT NULL THEN f.fund_id
            WHEN f.modality = 'local_private' THEN 'local_private'
            ELSE 'direct' END AS channel,
       (f.part_of IS NOT NULL AND pa.source_ref IS NOT NULL) AS is_part,
       f.leg IN ('in', 'direct') AS given_side,
       f.leg IN ('out', 'direct') AS received_side
FROM flow AS f
LEFT JOIN actor AS sa ON sa.actor_id = f.source_actor_id
LEFT JOIN actor AS da ON da.actor_id = f.destination_actor_id
LEFT JOIN country AS sc ON sc.iso3 = sa.country_iso3
LEFT JOIN country AS rc ON rc.iso3 = f.recipient_country_iso3
LEFT JOIN region_only AS ro
    ON rc.iso3 IS NULL AND ro.vocabulary = f.recipient_region_vocab AND ro.code = f.recipient_region
LEFT JOIN m49_area AS ar
    ON rc.iso3 IS NULL AND ar.code = coalesce(ro.area_code, CASE WHEN f.recipient_region_vocab = 'm49'
                                              THEN lpad(f.recipient_region, 3, '0') END)
LEFT JOIN fund AS fu ON fu.fund_id = f.fund_id
LEFT JOIN parents AS pa ON pa.dataset = f.dataset AND pa.source_ref = f.part_of
LEFT JOIN status_spans AS s_ldc ON s_ldc.iso3 = f.recipient_country_iso3 AND s_ldc.status = 'ldc'
LEFT JOIN status_spans AS s_lldc ON s_lldc.iso3 = f.recipient_country_iso3 AND s_lldc.status = 'lldc'
LEFT JOIN status_spans AS s_sids ON s_sids.iso3 = f.recipient_country_iso3 AND s_sids.status = 'sids'
LEFT JOIN status_spans AS s_g77 ON s_g77.iso3 = f.recipient_country_iso3 AND s_g77.status = 'g77'
)
SELECT *,
       NOT is_part AND CASE WHEN stage_group IN ('promised', 'transferred') THEN given_side
                            ELSE received_side END AS in_group_total
FROM enriched;
