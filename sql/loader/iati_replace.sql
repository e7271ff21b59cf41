-- iati_replace: with --replace, the flows of IATI activities that another batch of the dataset
-- holds make way for the file being loaded. For each such batch: its flows of these activities
-- and its rejected transactions of them are deleted, and its load_batch counts shrink by what
-- was removed (rows_read = rows_loaded + rows_rejected still holds; rows_read then counts the
-- transactions the batch still holds, no longer every transaction of its file).
-- params: $dataset, $batch (the batch being written: untouched), $ids (activity identifiers)
-- output: temp table iati_replaced (batch_id, file_name, activities, transactions, rejects)
CREATE OR REPLACE TEMP TABLE iati_ids AS
SELECT DISTINCT unnest($ids::VARCHAR[]) AS iati_activity_id;

CREATE OR REPLACE TEMP TABLE iati_gone_flows AS
SELECT f.batch_id, count(DISTINCT f.iati_activity_id) AS activities,
       count(DISTINCT f.source_locator) AS transactions
FROM flow AS f JOIN iati_ids AS i USING (iati_activity_id)
WHERE f.dataset = $dataset AND f.batch_id <> $batch
GROUP BY f.batch_id;

-- rejected transactions carry the locator <iati-identifier>#<position>
CREATE OR REPLACE TEMP TABLE iati_gone_rejects AS
SELECT r.batch_id, r.row_number
FROM rejected_row AS r
JOIN load_batch AS b ON b.batch_id = r.batch_id
JOIN iati_ids AS i ON i.iati_activity_id = regexp_extract(r.locator, '^(.*)#[0-9]+$', 1)
WHERE b.dataset = $dataset AND b.format = 'iati' AND b.batch_id <> $batch;

CREATE OR REPLACE TEMP TABLE iati_replaced AS
SELECT b.batch_id, b.file_name, coalesce(g.activities, 0) AS activities,
       coalesce(g.transactions, 0) AS transactions, coalesce(j.rejects, 0) AS rejects
FROM load_batch AS b
LEFT JOIN iati_gone_flows AS g ON g.batch_id = b.batch_id
LEFT JOIN (SELECT batch_id, count(*) AS rejects FROM iati_gone_rejects GROUP BY batch_id) AS j
    ON j.batch_id = b.batch_id
WHERE g.batch_id IS NOT NULL OR j.batch_id IS NOT NULL;

DELETE FROM flow
WHERE dataset = $dataset AND batch_id <> $batch
  AND iati_activity_id IN (SELECT iati_activity_id FROM iati_ids);

DELETE FROM rejected_row USING iati_gone_rejects AS g
WHERE rejected_row.batch_id = g.batch_id AND rejected_row.row_number = g.row_number;

UPDATE load_batch SET
    rows_loaded = rows_loaded - r.transactions,
    rows_rejected = rows_rejected - r.rejects,
    rows_read = rows_read - r.transactions - r.rejects
FROM iati_replaced AS r
WHERE load_batch.batch_id = r.batch_id;
