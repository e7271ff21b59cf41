-- synth step 6: exchange rates for the units in other currencies, by the rules of
-- pipelines/ingest/fx.py: the last ECB rate on or before the date (at most 10 days old), or the year's
-- average of daily rates (at least 100 of them) for a year-only row. A unit lacking a rate for
-- one of its rows stays in US dollars (so before 1999 every row is in USD).
CREATE OR REPLACE TEMP TABLE synth_fx_year AS
-- (averaged as DECIMAL so the result does not depend on the order threads add in)
SELECT currency, year(rate_date) AS y,
       CAST(avg(CAST(usd_per_unit AS DECIMAL(38, 18))) AS DOUBLE) AS rate,
       min(source) AS source
FROM fx_daily GROUP BY ALL HAVING count(*) >= 100;

CREATE OR REPLACE TEMP TABLE synth_fx_pair AS
WITH foreign_units AS (
    SELECT k, want_currency AS cur, year, d0, d1 FROM synth_pair WHERE want_currency <> 'USD'
),
day0 AS (
    SELECT u.*, f.usd_per_unit AS x0, f.rate_date AS rd0, f.source AS s0
    FROM foreign_units u ASOF LEFT JOIN fx_daily f ON f.currency = u.cur AND u.d0 >= f.rate_date
),
day1 AS (
    SELECT u.*, f.usd_per_unit AS x1, f.rate_date AS rd1, f.source AS s1
    FROM day0 u ASOF LEFT JOIN fx_daily f ON f.currency = u.cur AND u.d1 >= f.rate_date
),
picked AS (
    SELECT u.k, u.cur, u.d0 IS NULL AS annual,
           CASE WHEN u.d0 IS NULL THEN y.rate WHEN u.d0 - u.rd0 <= 10 THEN u.x0 END AS x0,
           CASE WHEN u.d1 IS NULL THEN y.rate WHEN u.d1 - u.rd1 <= 10 THEN u.x1 END AS x1,
           u.rd0, u.rd1,
           CASE WHEN u.d0 IS NULL THEN y.source || ' (average of ' || u.year || ')' ELSE u.s0 END AS s0,
           CASE WHEN u.d1 IS NULL THEN y.source || ' (average of ' || u.year || ')' ELSE u.s1 END AS s1
    FROM day1 u LEFT JOIN synth_fx_year y ON u.d0 IS NULL AND y.currency = u.cur AND y.y = u.year
)
SELECT * FROM picked WHERE x0 IS NOT NULL AND x1 IS NOT NULL;

CREATE OR REPLACE TEMP TABLE synth_fx_out AS
WITH foreign_units AS (
    SELECT k, want_currency AS cur, year, disb_year, exp_year, d0, d1, d2
    FROM synth_out WHERE want_currency <> 'USD'
),
day0 AS (
    SELECT u.*, f.usd_per_unit AS x0, f.rate_date AS rd0, f.source AS s0
    FROM foreign_units u ASOF LEFT JOIN fx_daily f ON f.currency = u.cur AND u.d0 >= f.rate_date
),
day1 AS (
    SELECT u.*, f.usd_per_unit AS x1, f.rate_date AS rd1, f.source AS s1
    FROM day0 u ASOF LEFT JOIN fx_daily f ON f.currency = u.cur AND u.d1 >= f.rate_date
),
day2 AS (
    SELECT u.*, f.usd_per_unit AS x2, f.rate_date AS rd2, f.source AS s2
    FROM day1 u ASOF LEFT JOIN fx_daily f ON f.currency = u.cur AND u.d2 >= f.rate_date
),
picked AS (
    SELECT u.k, u.cur, u.d0 IS NULL AS annual,
           CASE WHEN u.d0 IS NULL THEN y0.rate WHEN u.d0 - u.rd0 <= 10 THEN u.x0 END AS x0,
           CASE WHEN u.d1 IS NULL THEN y1.rate WHEN u.d1 - u.rd1 <= 10 THEN u.x1 END AS x1,
           CASE WHEN u.d2 IS NULL THEN y2.rate WHEN u.d2 - u.rd2 <= 10 THEN u.x2 END AS x2,
           u.rd0, u.rd1, u.rd2,
           CASE WHEN u.d0 IS NULL THEN y0.source || ' (average of ' || u.year || ')' ELSE u.s0 END AS s0,
           CASE WHEN u.d1 IS NULL THEN y1.source || ' (average of ' || u.disb_year || ')' ELSE u.s1 END AS s1,
           CASE WHEN u.d2 IS NULL THEN y2.source || ' (average of ' || u.exp_year || ')' ELSE u.s2 END AS s2
    FROM day2 u
    LEFT JOIN synth_fx_year y0 ON u.d0 IS NULL AND y0.currency = u.cur AND y0.y = u.year
    LEFT JOIN synth_fx_year y1 ON u.d1 IS NULL AND y1.currency = u.cur AND y1.y = u.disb_year
    LEFT JOIN synth_fx_year y2 ON u.d2 IS NULL AND y2.currency = u.cur AND y2.y = u.exp_year
)
SELECT * FROM picked WHERE x0 IS NOT NULL AND x1 IS NOT NULL AND x2 IS NOT NULL;
