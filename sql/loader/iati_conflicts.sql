-- iati_conflicts: IATI activities of the file being loaded that the dataset already holds from
-- a batch of ANOTHER file (same file name is the --replace case, handled by the loader).
-- grain: one row per conflicting activity identifier
-- params: $dataset (dataset being loaded into), $file_name (the new file's name),
--         $ids (list of the new file's iati-identifiers)
-- output: iati_activity_id, other_files (comma-separated file names already holding it)
WITH incoming AS (
    SELECT DISTINCT unnest($ids::VARCHAR[]) AS iati_activity_id
)
SELECT f.iati_activity_id,
       string_agg(DISTINCT b.file_name, ', ' ORDER BY b.file_name) AS other_files
FROM flow AS f
JOIN incoming AS i ON i.iati_activity_id = f.iati_activity_id
JOIN load_batch AS b ON b.batch_id = f.batch_id
WHERE f.dataset = $dataset
  AND b.file_name <> $file_name
GROUP BY f.iati_activity_id
ORDER BY f.iati_activity_id
