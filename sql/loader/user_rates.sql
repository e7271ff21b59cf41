-- user rates (registered frame user_rates_frame) into fx_rate_table, replacing earlier user
-- rates of the same currency and date (or year); $tag marks the load
DELETE FROM fx_rate_table t
WHERE t.kind = 'user' AND EXISTS (
    SELECT 1 FROM user_rates_frame u
    WHERE u.currency = t.currency
      AND ((u.rate_date IS NOT NULL AND CAST(u.rate_date AS DATE) = t.rate_date)
        OR (u.rate_date IS NULL AND t.rate_date IS NULL AND u.year = t.year)));
INSERT INTO fx_rate_table (currency, rate_date, year, usd_per_unit, source, kind, batch_id)
SELECT currency, CAST(rate_date AS DATE), CAST(year AS INTEGER), usd_per_unit, source, 'user', $tag
FROM user_rates_frame;
