-- load batches, newest first; $dataset NULL for all
SELECT batch_id, dataset, file_name, format, loaded_at, loaded_by, rows_read, rows_loaded,
    rows_rejected, is_bundled, sha256
FROM load_batch
WHERE $dataset IS NULL OR dataset = $dataset
ORDER BY loaded_at DESC, batch_id DESC;
