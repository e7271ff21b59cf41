-- iati_conflicts: IATI activities of the file being loaded that the dataset already holds from
-- an earlier batch (another file, or an earlier version of a file with the same name: the
-- loader refuses either unless --replace, which deletes the same-name batches and replaces the
-- other files' flows of these activities, sql/loader/iati_replace.sql).
-- grain: one row per conflicting activity identifier
-- params: $dataset (dataset being loaded into), $ids (iati-identifiers of the new file, or of
--         one chunk of it), $batch (the batch being written: its own flows do not count)
-- output: iati_activity_id, other_files (comma-separated file names already holding it)
WITH incoming AS (
    SELECT DISTINCT unnest($ids::VARCHAR[]) AS iati_activity_id
)
SELECT f.iati_activity_id,
       string_agg(DISTINCT b.file_name, ', ' ORDER BY b.file_name) AS other_files
FROM flow AS f
JOIN incoming AS i ON i.iati_activity_id = f.iati_activity_id
JOIN load_batch AS b ON b.batch_id = f.batch_id
WHERE f.dataset = $dataset AND f.batch_id <> $batch
GROUP BY f.iati_activity_id
ORDER BY f.iati_activity_id
