-- purpose: Sources page: rows the loads of this dataset rejected, with the reason
-- grain: rejected_row (first 1,000)
-- params: dataset
-- columns: file_name, row_number, column_name, value, reason_code, reason
SELECT r.file_name, r.row_number, r.column_name, r.value, r.reason_code, r.reason
FROM rejected_row AS r
JOIN load_batch AS b ON b.batch_id = r.batch_id
WHERE b.dataset = $dataset
ORDER BY r.file_name, r.row_number
LIMIT 1000;
