-- write one batch from the temp tables staged, fx_result, src_map, new_actor, cand_flags,
-- row_reject (sql/loader/write_batch.sql then records the batch). Parameters: $batch,
-- $dataset, $file.
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

INSERT INTO flow BY NAME
SELECT coalesce(s.flow_key, $batch || '-' || s.row_number || '-' || s.leg_seq) AS flow_id, $dataset AS dataset, $batch AS batch_id, s.stage, s.leg, s.modality,
    s.instrument, s.source_actor_id, s.destination_actor_id, s.fund_id,
    s.recipient_country_iso3, s.recipient_region, s.recipient_region_vocab, s.flow_date, s.year,
    s.amount_original, s.currency, x.fx_rate, x.fx_date, x.fx_source, x.amount_usd,
    list_concat(coalesce(pf.flags, CAST([] AS VARCHAR[])), x.fx_flags, list_filter([
        CASE WHEN s.year_only THEN 'year_only_date' END,
        CASE WHEN s.amount_original < 0 THEN 'negative_correction' END,
        CASE WHEN abs(x.amount_usd) > 10000000000 THEN 'outlier' END
    ], lambda f: f IS NOT NULL)) AS flags,
    s.description, m.source_document_id, s.source_locator, NULL AS source_ref, NULL AS part_of,
    coalesce((SELECT is_illustrative FROM dataset WHERE dataset = $dataset), false) AS is_illustrative,
    CASE WHEN s.has_parent THEN $batch || '-' || s.row_number || '-0' END AS parent_flow_id,
    s.transaction_type, s.flow_type, s.finance_type, s.aid_type, s.sector,
    s.iati_activity_id, s.split_share
FROM staged s
JOIN fx_result x ON x._i = s._cid
JOIN src_map m ON m.source = trim(s.source)
LEFT JOIN (SELECT _cid, list(flag) AS flags FROM cand_flags GROUP BY _cid) pf ON pf._cid = s._cid;

INSERT INTO rejected_row (batch_id, file_name, row_number, locator, column_name, value,
    reason_code, reason)
SELECT $batch, $file, row_number, locator, column_name, value, reason_code, reason
FROM row_reject;
