-- fx_daily from the ECB history frame registered as ecb_rates_frame (USD per unit of currency)
INSERT INTO fx_daily (currency, rate_date, usd_per_unit, source)
SELECT currency, CAST(rate_date AS DATE), usd_per_unit, source
FROM ecb_rates_frame;
