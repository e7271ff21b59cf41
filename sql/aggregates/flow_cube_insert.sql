-- flow_cube_insert: add to flow_cube the flows of the datasets in $datasets (NULL: every
--   dataset), grouped by every column a chart filters or groups on, with the money summed in
--   each display currency. The caller deletes those datasets' rows first (aggregates.maintain).
-- grain: one row per distinct (dataset, is_illustrative, year, stage, leg, modality, fund_id,
--   source_actor_id, recipient country, recipient region + vocabulary, source_document_id,
--   is_part, to_city_id, currency, and the recipient's LDC/LLDC/SIDS status on the flow's date,
--   which can change inside a year); every other key column is a function of these (the joins
--   of flows_enriched)
-- params: datasets (VARCHAR[] or NULL)
-- order: dataset, is_illustrative, channel, year, stage_group, modality, source_kind
-- Same rules as sql/views/flows_enriched.sql and flows_filtered.sql (tests/test_aggregates.py
-- checks every chart query against them): the amount in a display currency is the flow's
-- amount_usd divided by the currency's rate on the flow date (latest rate on or before it), or
-- by the year's average rate when the flow has only a year; NULL when there is no rate.
INSERT INTO flow_cube BY NAME
WITH picked AS NOT MATERIALIZED (
    SELECT f.dataset, f.is_illustrative, f.year, f.stage, f.leg, f.modality, f.fund_id,
           f.source_actor_id, f.recipient_country_iso3, f.recipient_region,
           f.recipient_region_vocab, f.source_document_id, f.part_of, f.flow_date, f.amount_usd,
           f.currency, f.amount_original, f.recipient_city_id, f.destination_actor_id
    FROM flow AS f
    WHERE $datasets::VARCHAR[] IS NULL OR list_contains($datasets::VARCHAR[], f.dataset)
),
parents AS (            -- is_part: a breakdown of a figure present in the same dataset
    SELECT DISTINCT p.dataset, p.source_ref
    FROM flow AS p
    SEMI JOIN (SELECT dataset, part_of FROM picked WHERE part_of IS NOT NULL) AS c
        ON c.dataset = p.dataset AND c.part_of = p.source_ref
),
city_actors AS (
    SELECT actor_id, city_id FROM actor WHERE city_id IS NOT NULL
),
fx AS (
    SELECT currency, rate_date, usd_per_unit FROM fx_daily WHERE currency IN ('EUR', 'CHF', 'GBP')
),
days AS (               -- the as-of rate of each flow date, once per date
    SELECT d.day, e.usd_per_unit AS eur, c.usd_per_unit AS chf, g.usd_per_unit AS gbp
    FROM (SELECT DISTINCT flow_date AS day FROM picked WHERE flow_date IS NOT NULL) AS d
    ASOF LEFT JOIN (SELECT rate_date, usd_per_unit FROM fx WHERE currency = 'EUR') AS e
        ON d.day >= e.rate_date
    ASOF LEFT JOIN (SELECT rate_date, usd_per_unit FROM fx WHERE currency = 'CHF') AS c
        ON d.day >= c.rate_date
    ASOF LEFT JOIN (SELECT rate_date, usd_per_unit FROM fx WHERE currency = 'GBP') AS g
        ON d.day >= g.rate_date
),
years AS (              -- a year-only flow: the year's average rate
    SELECT year(rate_date) AS year,
           avg(usd_per_unit) FILTER (currency = 'EUR') AS eur,
           avg(usd_per_unit) FILTER (currency = 'CHF') AS chf,
           avg(usd_per_unit) FILTER (currency = 'GBP') AS gbp
    FROM fx GROUP BY ALL
),
converted AS (
    SELECT t.* EXCLUDE (part_of, flow_date, recipient_city_id, destination_actor_id),
           t.part_of IS NOT NULL AND pa.source_ref IS NOT NULL AS is_part,
           -- regions_city_links: the recipient city, else the destination actor's; only
           -- needed (and kept) when the contributor has a city
           CASE WHEN sac.city_id IS NOT NULL
                THEN coalesce(t.recipient_city_id, dac.city_id) END AS to_city_id,
           t.amount_usd::DOUBLE / CASE WHEN t.flow_date IS NULL THEN y.eur ELSE d.eur END AS eur,
           t.amount_usd::DOUBLE / CASE WHEN t.flow_date IS NULL THEN y.chf ELSE d.chf END AS chf,
           t.amount_usd::DOUBLE / CASE WHEN t.flow_date IS NULL THEN y.gbp ELSE d.gbp END AS gbp,
           -- the status on the flow's date (it can change inside a year): NULL when the
           -- country has no span of the status (then the country's current flag, below)
           status_held(s_ldc.spans, t.flow_date, t.year) AS ldc_held,
           status_held(s_lldc.spans, t.flow_date, t.year) AS lldc_held,
           status_held(s_sids.spans, t.flow_date, t.year) AS sids_held
    FROM picked AS t
    LEFT JOIN parents AS pa ON pa.dataset = t.dataset AND pa.source_ref = t.part_of
    LEFT JOIN days AS d ON d.day = t.flow_date
    LEFT JOIN years AS y ON y.year = t.year
    LEFT JOIN city_actors AS sac ON sac.actor_id = t.source_actor_id
    LEFT JOIN city_actors AS dac ON dac.actor_id = t.destination_actor_id
    LEFT JOIN status_spans AS s_ldc ON s_ldc.iso3 = t.recipient_country_iso3 AND s_ldc.status = 'ldc'
    LEFT JOIN status_spans AS s_lldc ON s_lldc.iso3 = t.recipient_country_iso3 AND s_lldc.status = 'lldc'
    LEFT JOIN status_spans AS s_sids ON s_sids.iso3 = t.recipient_country_iso3 AND s_sids.status = 'sids'
),
grouped AS (
    SELECT dataset, is_illustrative, year, stage, leg, modality, fund_id, source_actor_id,
           recipient_country_iso3, recipient_region, recipient_region_vocab, source_document_id,
           is_part, to_city_id, currency, ldc_held, lldc_held, sids_held,
           count(*) AS flows,
           sum(amount_usd) AS usd, sum(eur) AS eur, sum(chf) AS chf, sum(gbp) AS gbp,
           count(*) - count(amount_usd) AS usd_missing, count(*) - count(eur) AS eur_missing,
           count(*) - count(chf) AS chf_missing, count(*) - count(gbp) AS gbp_missing,
           sum(amount_original) FILTER (amount_usd IS NULL) AS usd_missing_original,
           sum(amount_original) FILTER (eur IS NULL) AS eur_missing_original,
           sum(amount_original) FILTER (chf IS NULL) AS chf_missing_original,
           sum(amount_original) FILTER (gbp IS NULL) AS gbp_missing_original
    FROM converted GROUP BY ALL
),
region_only AS (        -- as in flows_enriched: a region code without a country
    SELECT r.vocabulary, r.code, coalesce(a.code, b.code) AS area_code
    FROM region AS r
    LEFT JOIN m49_area AS a
        ON r.vocabulary = 'm49' AND a.code = lpad(coalesce(try_cast(r.code AS INTEGER)::VARCHAR, r.code), 3, '0')
    LEFT JOIN m49_area AS b ON b.level = 'region' AND b.name = r.m49_region
),
enriched AS (
    SELECT g.dataset, g.is_illustrative, g.year, g.stage,
           CASE WHEN g.stage IN ('pledge', 'commitment') THEN 'promised'
                WHEN g.stage IN ('paid', 'disbursement') THEN 'transferred'
                WHEN g.stage = 'allocation' THEN 'allocated'
                WHEN g.stage = 'expenditure' THEN 'used' END AS stage_group,
           g.leg, g.modality,
           CASE WHEN g.fund_id IS NOT NULL THEN g.fund_id
                WHEN g.modality = 'local_private' THEN 'local_private'
                ELSE 'direct' END AS channel,
           fu.short_name AS fund_short_name,
           g.source_actor_id, sa.name AS source_name, sa.kind AS source_kind,
           sa.country_iso3 AS source_country_iso3, sc.region_name AS contributor_region,
           g.recipient_country_iso3, rc.name_en AS recipient_country_name,
           coalesce(lpad(rc.region_code::VARCHAR, 3, '0'), ar.region_code) AS recipient_region_code,
           coalesce(rc.region_name, ar.region_name) AS recipient_region_name,
           coalesce(lpad(rc.subregion_code::VARCHAR, 3, '0'), ar.subregion_code) AS recipient_subregion_code,
           coalesce(rc.subregion_name, ar.subregion_name) AS recipient_subregion_name,
           lpad(rc.intermediate_region_code::VARCHAR, 3, '0') AS recipient_intermediate_code,
           coalesce(g.ldc_held, rc.is_ldc, false) AS is_ldc,
           coalesce(g.lldc_held, rc.is_lldc, false) AS is_lldc,
           coalesce(g.sids_held, rc.is_sids, false) AS is_sids,
           g.is_part,
           g.leg IN ('in', 'direct') AS given_side,
           g.leg IN ('out', 'direct') AS received_side,
           g.source_document_id, sa.city_id AS from_city_id, g.to_city_id, g.currency,
           g.flows, g.usd, g.eur, g.chf, g.gbp,
           g.usd_missing, g.eur_missing, g.chf_missing, g.gbp_missing,
           g.usd_missing_original, g.eur_missing_original, g.chf_missing_original,
           g.gbp_missing_original
    FROM grouped AS g
    LEFT JOIN actor AS sa ON sa.actor_id = g.source_actor_id
    LEFT JOIN country AS sc ON sc.iso3 = sa.country_iso3
    LEFT JOIN country AS rc ON rc.iso3 = g.recipient_country_iso3
    LEFT JOIN region_only AS ro
        ON rc.iso3 IS NULL AND ro.vocabulary = g.recipient_region_vocab AND ro.code = g.recipient_region
    LEFT JOIN m49_area AS ar
        ON rc.iso3 IS NULL AND ar.code = coalesce(ro.area_code, CASE WHEN g.recipient_region_vocab = 'm49'
                                                  THEN lpad(g.recipient_region, 3, '0') END)
    LEFT JOIN fund AS fu ON fu.fund_id = g.fund_id
)
SELECT *,
       NOT is_part AND CASE WHEN stage_group IN ('promised', 'transferred') THEN given_side
                            ELSE received_side END AS in_group_total
FROM enriched
-- stored sorted (DuckDB keeps insertion order): the filters every chart query applies first
-- (dataset, fund channel, years) then select contiguous runs of rows, and the min/max zone maps
-- of each row group and column segment skip the rest of the table
ORDER BY dataset, is_illustrative, channel, year, stage_group, modality, source_kind;
