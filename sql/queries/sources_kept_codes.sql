-- purpose: Sources page: flows the loads of this dataset kept although a descriptive code did
--   not resolve (IATI recipient country, region, sector or organisation reference; flags
--   unknown_country, unknown_region, unknown_sector, unknown_org): counted in every total, with
--   no recipient region where the country or region is unknown
-- grain: file × flag
-- params: dataset
-- columns: file_name, flag, flows, amount_usd
WITH kept AS (
    SELECT f.batch_id, f.flags, f.amount_usd FROM flow AS f
    WHERE f.dataset = $dataset
      AND list_has_any(f.flags, ['unknown_country', 'unknown_region', 'unknown_sector', 'unknown_org'])
)
SELECT b.file_name, u.flag, count(*)::BIGINT AS flows, sum(k.amount_usd)::DOUBLE AS amount_usd
FROM kept AS k
JOIN load_batch AS b ON b.batch_id = k.batch_id,
     unnest(k.flags) AS u(flag)
WHERE u.flag IN ('unknown_country', 'unknown_region', 'unknown_sector', 'unknown_org')
GROUP BY ALL
ORDER BY b.file_name, u.flag;
