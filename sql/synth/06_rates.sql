-- synth step 6: the dates of every row, then exchange rates for the rows in other currencies,
-- by the rules of pipelines/fx.py: the last ECB rate on or before the date (at most 10 days
-- old), or the year's average of daily rates (at least 100 of them) for a year-only row. A
-- unit whose rows lack a rate falls back to US dollars (so before 1999 all rows are in USD).
CREATE OR REPLACE TEMP TABLE synth_pair_dated AS
SELECT p.*,
       CASE WHEN NOT p.year_only THEN p.promise_date END AS d0,
       CASE WHEN NOT p.year_only THEN p.promise_date + 1 + CAST(floor(p.paid_day_u
            * (make_date(CAST(p.year AS BIGINT), 12, 31) - p.promise_date - 1)) AS INTEGER) END AS d1
FROM synth_pair p;

CREATE OR REPLACE TEMP TABLE synth_out_dated AS
WITH base AS (
    SELECT o.*, synth_u(s.seed, 51, o.k) < CASE WHEN o.year < 2000 THEN 0.3 ELSE 0.08 END AS year_only,
           synth_day(o.year, o.date_u * 0.8) AS a_date, synth_u(s.seed, 52, o.k) AS u1,
           synth_u(s.seed, 53, o.k) AS u2
    FROM synth_out o CROSS JOIN synth_params s
),
disb AS (
    SELECT b.*, CASE WHEN b.disb_year = b.year
        THEN b.a_date + CAST(floor(b.u1 * (make_date(CAST(b.year AS BIGINT), 12, 31) - b.a_date + 1)) AS INTEGER)
        ELSE synth_day(b.disb_year, b.u1) END AS b_date
    FROM base b
)
SELECT d.*,
       CASE WHEN NOT d.year_only THEN d.a_date END AS d0,
       CASE WHEN NOT d.year_only THEN d.b_date END AS d1,
       CASE WHEN d.year_only THEN NULL WHEN d.exp_year = d.disb_year
            THEN d.b_date + CAST(floor(d.u2 * (make_date(CAST(d.disb_year AS BIGINT), 12, 31)
                                               - d.b_date + 1)) AS INTEGER)
            ELSE synth_day(d.exp_year, d.u2) END AS d2
FROM disb d;

CREATE OR REPLACE TEMP TABLE synth_rate AS
WITH req AS (
    SELECT k AS i, want_currency AS currency, d0 AS flow_date, year FROM synth_pair_dated
    WHERE want_currency <> 'USD'
    UNION ALL
    SELECT k + 1, want_currency, d1, year FROM synth_pair_dated WHERE want_currency <> 'USD'
    UNION ALL
    SELECT k, want_currency, d0, year FROM synth_out_dated WHERE want_currency <> 'USD'
    UNION ALL
    SELECT k + 1, want_currency, d1, disb_year FROM synth_out_dated WHERE want_currency <> 'USD'
    UNION ALL
    SELECT k + 2, want_currency, d2, exp_year FROM synth_out_dated WHERE want_currency <> 'USD'
),
daily AS (
    SELECT r.i, d.usd_per_unit AS rate, d.rate_date, d.source
    FROM (SELECT * FROM req WHERE flow_date IS NOT NULL) r
    ASOF JOIN fx_daily d ON r.currency = d.currency AND r.flow_date >= d.rate_date
    WHERE r.flow_date - d.rate_date <= 10
),
yearly AS (
    SELECT currency, year(rate_date) AS y, avg(usd_per_unit) AS rate, any_value(source) AS source
    FROM fx_daily GROUP BY ALL HAVING count(*) >= 100
)
SELECT r.i, r.currency,
       CASE WHEN r.flow_date IS NULL THEN y.rate ELSE d.rate END AS rate,
       d.rate_date,
       CASE WHEN r.flow_date IS NULL THEN y.source || ' (average of ' || r.year || ')'
            ELSE d.source END AS source,
       r.flow_date IS NULL AS annual
FROM req r
LEFT JOIN daily d ON d.i = r.i
LEFT JOIN yearly y ON r.flow_date IS NULL AND y.currency = r.currency AND y.y = r.year;
