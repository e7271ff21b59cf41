-- Pick the rate of every distinct (currency, flow_date, year) of the temp view
-- fx_input(_i, currency, flow_date, year, amount_original): temp table fx_pick(currency,
-- flow_date, year, fx_rate, fx_date, fx_source, fx_flags), and the temp view
-- fx_result(_i, fx_rate, fx_date, fx_source, amount_usd, fx_flags) per row. Precedence and
-- rules: pipelines/ingest/fx.py docstring. $max_stale: days an ECB rate may lag; $min_days: daily
-- rates a year needs for its average. Keys: currency upper-cased and trimmed, year defaulting
-- to the year of flow_date (the loader's rows already are so and join fx_pick directly).
-- Only the daily rates the input can use are read (temp table fx_daily_used: its currencies
-- and the pegs' anchors; dated rows' range less $max_stale days, year-only rows' whole years),
-- which picks the same rates as all of fx_daily with a fraction of the memory per chunk.
CREATE OR REPLACE TEMP VIEW fx_rows AS
SELECT _i, upper(trim(currency)) AS currency, flow_date,
       coalesce(year, year(flow_date)) AS year, amount_original
FROM fx_input;

CREATE OR REPLACE TEMP TABLE fx_inp AS
SELECT row_number() OVER () AS _i, currency, flow_date, year
FROM (SELECT DISTINCT currency, flow_date, year FROM fx_rows);

CREATE OR REPLACE TEMP TABLE fx_daily_used AS
WITH cur AS (
    SELECT currency FROM fx_inp UNION SELECT anchor_currency FROM fx_peg
),
span AS (
    SELECT min(flow_date) - CAST($max_stale AS INTEGER) AS lo, max(flow_date) AS hi FROM fx_inp
)
SELECT d.currency, d.rate_date, d.usd_per_unit, d.source
FROM fx_daily d, span
WHERE d.currency IN (SELECT currency FROM cur)
  AND ((d.rate_date >= span.lo AND d.rate_date <= span.hi)
       OR year(d.rate_date) IN (SELECT year FROM fx_inp WHERE flow_date IS NULL));

CREATE OR REPLACE TEMP TABLE fx_pick AS
WITH inp AS (SELECT * FROM fx_inp),
user_dated AS (
    SELECT currency, rate_date, usd_per_unit, source
    FROM fx_rate_table WHERE kind = 'user' AND rate_date IS NOT NULL
),
user_yearly AS (
    SELECT currency, year AS y, arg_max(usd_per_unit, coalesce(batch_id, '')) AS rate,
           arg_max(source, coalesce(batch_id, '')) AS source
    FROM fx_rate_table WHERE kind = 'user' AND rate_date IS NULL AND year IS NOT NULL
    GROUP BY ALL
),
user_avg AS (
    SELECT currency, year(rate_date) AS y, avg(usd_per_unit) AS rate, any_value(source) AS source
    FROM user_dated GROUP BY ALL
),
ecb_year AS (
    SELECT currency, year(rate_date) AS y, avg(usd_per_unit) AS rate, any_value(source) AS source
    FROM fx_daily_used
    WHERE year(rate_date) IN (SELECT year FROM fx_inp WHERE flow_date IS NULL)
    GROUP BY ALL HAVING count(*) >= $min_days
),
dated AS (SELECT * FROM inp WHERE flow_date IS NOT NULL),
ud AS (
    SELECT i._i, u.rate_date, u.usd_per_unit AS rate, u.source
    FROM dated i ASOF JOIN user_dated u
      ON i.currency = u.currency AND i.flow_date >= u.rate_date
    WHERE year(u.rate_date) = year(i.flow_date)
),
ed AS (
    SELECT i._i, d.rate_date, d.usd_per_unit AS rate, d.source
    FROM dated i ASOF JOIN fx_daily_used d
      ON i.currency = d.currency AND i.flow_date >= d.rate_date
    WHERE i.flow_date - d.rate_date <= $max_stale
),
peg AS (
    SELECT i._i, i.flow_date, i.year, p.anchor_currency, p.units_per_anchor, p.source
    FROM inp i JOIN fx_peg p ON i.currency = p.currency
     AND ((i.flow_date IS NOT NULL AND i.flow_date >= p.valid_from
           AND (p.valid_to IS NULL OR i.flow_date <= p.valid_to))
       OR (i.flow_date IS NULL AND i.year >= year(p.valid_from)
           AND (p.valid_to IS NULL OR i.year <= year(p.valid_to))))
    QUALIFY row_number() OVER (PARTITION BY i._i ORDER BY p.valid_from DESC) = 1
),
peg_dated AS (
    SELECT p._i, d.rate_date, d.usd_per_unit AS rate
    FROM (SELECT * FROM peg WHERE flow_date IS NOT NULL AND anchor_currency <> 'USD') p
    ASOF JOIN fx_daily_used d ON p.anchor_currency = d.currency AND p.flow_date >= d.rate_date
    WHERE p.flow_date - d.rate_date <= $max_stale
),
peg_rate AS (
    SELECT p._i, p.source,
           CASE WHEN p.anchor_currency = 'USD' THEN 1.0
                WHEN p.flow_date IS NOT NULL THEN pd.rate ELSE ey.rate END
             / p.units_per_anchor AS rate,
           CASE WHEN p.anchor_currency = 'USD' THEN p.flow_date ELSE pd.rate_date END AS rate_date,
           p.flow_date IS NULL AND p.anchor_currency <> 'USD' AS annual
    FROM peg p
    LEFT JOIN peg_dated pd ON pd._i = p._i
    LEFT JOIN ecb_year ey ON p.flow_date IS NULL AND ey.currency = p.anchor_currency AND ey.y = p.year
),
picked AS (
    SELECT i._i,
        CASE
            WHEN i.currency = 'USD' THEN 'usd'
            WHEN i.flow_date IS NOT NULL AND ud.rate IS NOT NULL THEN 'user_dated'
            WHEN uy.rate IS NOT NULL THEN 'user_yearly'
            WHEN i.flow_date IS NULL AND ua.rate IS NOT NULL THEN 'user_avg'
            WHEN i.flow_date IS NOT NULL AND ed.rate IS NOT NULL THEN 'ecb_day'
            WHEN i.flow_date IS NULL AND ey.rate IS NOT NULL THEN 'ecb_year'
            WHEN pr.rate IS NOT NULL THEN 'peg'
        END AS how,
        i.flow_date, ud.rate AS ud_rate, ud.rate_date AS ud_date, ud.source AS ud_source,
        uy.rate AS uy_rate, uy.source AS uy_source, ua.rate AS ua_rate, ua.source AS ua_source,
        ed.rate AS ed_rate, ed.rate_date AS ed_date, ed.source AS ed_source,
        ey.rate AS ey_rate, ey.source AS ey_source, i.year,
        pr.rate AS pr_rate, pr.rate_date AS pr_date, pr.source AS pr_source, pr.annual AS pr_annual
    FROM inp i
    LEFT JOIN ud ON ud._i = i._i
    LEFT JOIN user_yearly uy ON uy.currency = i.currency AND uy.y = i.year
    LEFT JOIN user_avg ua ON ua.currency = i.currency AND ua.y = i.year
    LEFT JOIN ed ON ed._i = i._i
    LEFT JOIN ecb_year ey ON ey.currency = i.currency AND ey.y = i.year
    LEFT JOIN peg_rate pr ON pr._i = i._i
),
chosen AS (
    SELECT _i, how,
        CASE how WHEN 'usd' THEN 1.0 WHEN 'user_dated' THEN ud_rate WHEN 'user_yearly' THEN uy_rate
             WHEN 'user_avg' THEN ua_rate WHEN 'ecb_day' THEN ed_rate WHEN 'ecb_year' THEN ey_rate
             WHEN 'peg' THEN pr_rate END AS fx_rate,
        CASE how WHEN 'usd' THEN flow_date WHEN 'user_dated' THEN ud_date
             WHEN 'ecb_day' THEN ed_date WHEN 'peg' THEN pr_date END AS fx_date,
        CASE how WHEN 'usd' THEN 'US dollar' WHEN 'user_dated' THEN ud_source
             WHEN 'user_yearly' THEN uy_source
             WHEN 'user_avg' THEN ua_source || ' (average of ' || year || ')'
             WHEN 'ecb_day' THEN ed_source
             WHEN 'ecb_year' THEN ey_source || ' (average of ' || year || ')'
             WHEN 'peg' THEN pr_source END AS fx_source,
        CASE
            WHEN how IS NULL THEN ['no_fx_rate']
            WHEN how IN ('user_dated', 'user_yearly', 'user_avg') THEN ['fx_user_rate']
            WHEN how = 'ecb_year' THEN ['fx_annual_average']
            WHEN how = 'peg' AND pr_annual THEN ['fx_fixed_peg', 'fx_annual_average']
            WHEN how = 'peg' THEN ['fx_fixed_peg']
            ELSE CAST([] AS VARCHAR[])
        END AS fx_flags
    FROM picked
)
SELECT k.currency, k.flow_date, k.year, c.fx_rate, c.fx_date, c.fx_source,
       CAST(c.fx_flags AS VARCHAR[]) AS fx_flags
FROM inp k JOIN chosen c ON c._i = k._i;

-- amount_usd: the same expression as sql/loader/write.sql
CREATE OR REPLACE TEMP VIEW fx_result AS
SELECT r._i, x.fx_rate, x.fx_date, x.fx_source,
       TRY_CAST(round(CAST(r.amount_original AS DOUBLE) * x.fx_rate, 2) AS DECIMAL(18, 2)) AS amount_usd,
       x.fx_flags
FROM fx_rows r
JOIN fx_pick x ON x.currency IS NOT DISTINCT FROM r.currency
    AND x.flow_date IS NOT DISTINCT FROM r.flow_date AND x.year IS NOT DISTINCT FROM r.year;
