-- load batches whose row accounting does not add up (rows_read = rows_loaded + rows_rejected)
SELECT batch_id, rows_read, rows_loaded, rows_rejected FROM load_batch
WHERE rows_read <> rows_loaded + rows_rejected;
