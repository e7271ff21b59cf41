-- the load_batch row of one batch, after sql/loader/write.sql wrote its flows and
-- rejected_row rows (possibly in several chunks). Parameters: $batch, $dataset, $file, $sha,
-- $format, $loaded_by, $rows_read (accounting units: template rows, IATI transactions).
INSERT INTO load_batch (batch_id, dataset, file_name, sha256, format, loaded_at, loaded_by,
    rows_read, rows_loaded, rows_rejected, is_bundled)
SELECT $batch, $dataset, $file, $sha, $format, current_timestamp, $loaded_by,
    $rows_read, $rows_read - (SELECT count(*) FROM rejected_row WHERE batch_id = $batch),
    (SELECT count(*) FROM rejected_row WHERE batch_id = $batch), false;
