-- cited rows without a known source document, locator or figure reference, or marked illustrative
SELECT 'flow' AS tbl, flow_id AS id FROM flow
WHERE dataset = 'cited'
  AND (source_document_id IS NULL OR source_locator IS NULL OR source_ref IS NULL
       OR is_illustrative
       OR source_document_id NOT IN (SELECT source_document_id FROM source_document))
UNION ALL
SELECT 'fund_statistic', stat_id FROM fund_statistic
WHERE dataset = 'cited'
  AND (source_document_id IS NULL OR source_ref IS NULL OR is_illustrative
       OR source_document_id NOT IN (SELECT source_document_id FROM source_document));
