-- write one batch from the temp tables staged, fx_pick, src_map, new_actor and
-- row_reject (sql/loader/write_batch.sql then records the batch). Parameters: $batch,
-- $dataset, $file.
-- the publication's record of what it wrote (pipelines/store/warehouse.py limits its checks with it)
CREATE TEMP TABLE IF NOT EXISTS publication_write (batch_id VARCHAR, op VARCHAR);

INSERT INTO publication_write VALUES ($batch, 'insert');

INSERT INTO dataset (dataset, is_illustrative, is_bundled, description)
SELECT $dataset, false, false, 'loaded by fundflows load'
WHERE $dataset NOT IN (SELECT dataset FROM dataset);

INSERT INTO source_document (source_document_id, symbol, title, url, kind, batch_id)
SELECT source_document_id,
    CASE WHEN regexp_full_match(source, '[A-Z]{1,4}/[A-Za-z0-9./()-]+') THEN source END,
    source,
    CASE WHEN regexp_matches(source, '^https?://') THEN source END,
    CASE WHEN regexp_matches(source, '^https?://') THEN 'web_page'
         WHEN regexp_full_match(source, '[A-Z]{1,4}/[A-Za-z0-9./()-]+') THEN 'un_document'
         ELSE 'file' END,
    $batch
FROM src_map WHERE is_new;

INSERT INTO actor (actor_id, name, kind, country_iso3, iati_org_ref, origin, needs_review, note)
SELECT actor_id, name, kind, country_iso3, iati_org_ref, $batch, true, 'created by a load from ' || $file
FROM new_actor
WHERE actor_id IN (
    SELECT r.contributor_id FROM cres r ANTI JOIN row_reject j ON j.row_number = r.row_number
    UNION
    SELECT r.recipient_id FROM cres r ANTI JOIN row_reject j ON j.row_number = r.row_number
);

INSERT INTO actor_alias (alias_norm, alias, actor_id, lang, origin)
SELECT norm, name, actor_id, NULL, $batch FROM new_actor
WHERE actor_id IN (SELECT actor_id FROM actor WHERE origin = $batch)
  AND norm NOT IN (SELECT alias_norm FROM actor_alias);

-- rates per (currency, flow_date, year) from fx_pick; amount_usd as in sql/loader/fx_convert.sql
INSERT INTO flow BY NAME
WITH money AS (
    SELECT s.*, x.fx_rate, x.fx_date, x.fx_source, x.fx_flags, m.source_document_id,
        TRY_CAST(round(CAST(s.amount_original AS DOUBLE) * x.fx_rate, 2) AS DECIMAL(18, 2))
            AS amount_usd
    FROM staged s
    JOIN fx_pick x ON x.currency = s.currency
        AND x.flow_date IS NOT DISTINCT FROM s.flow_date AND x.year = s.year
    JOIN src_map m ON m.source = trim(s.source)
)
SELECT coalesce(s.flow_key, $batch || '-' || s.row_number || '-' || s.leg_seq) AS flow_id, $dataset AS dataset, $batch AS batch_id, s.stage, s.leg, s.modality,
    s.instrument, s.source_actor_id, s.destination_actor_id, s.fund_id,
    s.recipient_country_iso3, s.recipient_region, s.recipient_region_vocab, s.flow_date, s.year,
    s.amount_original, s.currency, s.fx_rate, s.fx_date, s.fx_source, s.amount_usd,
    -- most rows have no flag: the list functions run only for the others
    CASE WHEN s.parser_flags IS NULL AND len(s.fx_flags) = 0 AND NOT s.year_only
            AND s.amount_original >= 0 AND NOT coalesce(abs(s.amount_usd) > 10000000000, false)
        THEN CAST([] AS VARCHAR[])
        ELSE list_concat(coalesce(s.parser_flags, CAST([] AS VARCHAR[])), s.fx_flags, list_filter([
            CASE WHEN s.year_only THEN 'year_only_date' END,
            CASE WHEN s.amount_original < 0 THEN 'negative_correction' END,
            CASE WHEN abs(s.amount_usd) > 10000000000 THEN 'outlier' END
        ], lambda f: f IS NOT NULL)) END AS flags,
    s.description, s.source_document_id, s.source_locator, NULL AS source_ref, NULL AS part_of,
    coalesce((SELECT is_illustrative FROM dataset WHERE dataset = $dataset), false) AS is_illustrative,
    CASE WHEN s.has_parent THEN $batch || '-' || s.row_number || '-0' END AS parent_flow_id,
    s.transaction_type, s.flow_type, s.finance_type, s.aid_type, s.sector,
    s.iati_activity_id, s.split_share
FROM money s;

INSERT INTO rejected_row (batch_id, file_name, row_number, locator, column_name, value,
    reason_code, reason)
SELECT $batch, $file, row_number, locator, column_name, value, reason_code, reason
FROM row_reject;
