-- flows and fund statistics naming a fund that does not exist. $batches: as in flow_money.sql
SELECT 'flow' AS tbl, flow_id AS id, fund_id FROM flow
WHERE ($batches IS NULL OR list_contains($batches, batch_id))
  AND fund_id IS NOT NULL AND fund_id NOT IN (SELECT fund_id FROM fund)
UNION ALL
SELECT 'fund_statistic', stat_id, fund_id FROM fund_statistic
WHERE fund_id IS NOT NULL AND fund_id NOT IN (SELECT fund_id FROM fund);
