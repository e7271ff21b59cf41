-- purpose: Sources page: the load batches of the dataset on screen
-- grain: load_batch
-- params: dataset
-- columns: batch_id, file_name, format, loaded_at, loaded_by, rows_read, rows_loaded, rows_rejected
SELECT batch_id, file_name, format, loaded_at, loaded_by, rows_read, rows_loaded, rows_rejected
FROM load_batch
WHERE dataset = $dataset
ORDER BY loaded_at DESC, batch_id;
