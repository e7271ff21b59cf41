-- purpose: user load batches an admin may delete (Load data page), newest first
-- grain: load batch
-- params: none
-- columns: batch_id, dataset, file_name, format, loaded_at, loaded_by, rows_read, rows_loaded,
--          rows_rejected
SELECT batch_id, dataset, file_name, format, loaded_at, loaded_by, rows_read, rows_loaded,
       rows_rejected
FROM load_batch
WHERE NOT is_bundled
ORDER BY loaded_at DESC, batch_id DESC;
