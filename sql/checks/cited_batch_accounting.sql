-- the bundled cited batch must account for every row it wrote (flows + fund statistics)
SELECT b.batch_id, b.rows_read, b.rows_loaded, b.rows_rejected,
       (SELECT count(*) FROM flow WHERE batch_id = b.batch_id)
     + (SELECT count(*) FROM fund_statistic WHERE batch_id = b.batch_id) AS rows_written
FROM load_batch b
WHERE b.batch_id = 'bundled-cited'
  AND (b.rows_read <> b.rows_loaded + b.rows_rejected
       OR b.rows_loaded <> (SELECT count(*) FROM flow WHERE batch_id = b.batch_id)
                         + (SELECT count(*) FROM fund_statistic WHERE batch_id = b.batch_id));
