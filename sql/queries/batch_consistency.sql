-- purpose: per user batch, the rows its load_batch row says were loaded and the flows this
--          version holds for it, plus flows whose batch is unknown (a half-written batch would
--          show as a mismatch); used by the hardening tests' concurrent readers
-- grain: user batch (is_bundled = false), plus one row with batch_id NULL for orphan flows
-- params: $dataset
-- columns: batch_id, rows_loaded, flows
SELECT b.batch_id, b.rows_loaded, count(f.flow_id) AS flows
FROM load_batch AS b
LEFT JOIN flow AS f ON f.batch_id = b.batch_id
WHERE b.dataset = $dataset AND NOT b.is_bundled
GROUP BY ALL
UNION ALL
SELECT NULL, 0, count(*)
FROM flow
WHERE dataset = $dataset AND batch_id NOT IN (SELECT batch_id FROM load_batch)
ORDER BY 1 NULLS FIRST;
