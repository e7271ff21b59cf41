-- synth step 5: out units (three rows each: allocation, disbursement, expenditure) to
-- recipients. Each passes on the money of one in-leg of the same fund paid in the same year or
-- up to three years before (any earlier one when that window is empty), so its years are never
-- before its parent's. Then the in-legs' paid amounts: at least their children / utilisation.
CREATE OR REPLACE TEMP TABLE synth_in_rank AS
SELECT fund_id, k, year, modality,
       row_number() OVER (PARTITION BY fund_id ORDER BY year, k) - 1 AS rnk
FROM synth_pair WHERE leg = 'in';

CREATE OR REPLACE TEMP TABLE synth_in_window AS
WITH funds AS (SELECT DISTINCT fund_id FROM synth_in_rank),
grid AS (SELECT f.fund_id, t.y FROM funds f CROSS JOIN range(1980, 2031) t(y)),
cnt AS (SELECT fund_id, year, count(*) AS c FROM synth_in_rank GROUP BY ALL),
cum AS (
    SELECT g.fund_id, g.y,
           sum(coalesce(c.c, 0)) OVER (PARTITION BY g.fund_id ORDER BY g.y) AS le
    FROM grid g LEFT JOIN cnt c ON c.fund_id = g.fund_id AND c.year = g.y
)
SELECT a.fund_id, a.y, CAST(a.le AS BIGINT) AS hi,
       CAST(CASE WHEN a.le > coalesce(b.le, 0) THEN coalesce(b.le, 0) ELSE 0 END AS BIGINT) AS lo
FROM cum a LEFT JOIN cum b ON b.fund_id = a.fund_id AND b.y = a.y - 4;

-- (three statements joining on plain columns, as in step 4)
CREATE OR REPLACE TEMP TABLE synth_out_key AS
SELECT s.fund_id, s.part, s.row_base + 3 * u.unit AS k, p.seed, ys.last_year,
       synth_pick(p.seed, 40, s.row_base + 3 * u.unit, ys.size) AS year_idx,
       synth_pick(p.seed, 41, s.row_base + 3 * u.unit, md.size) AS dst_mix_idx
FROM synth_unit u JOIN synth_segment s ON s.seg = u.seg CROSS JOIN synth_params p
JOIN synth_year_size ys ON ys.part = s.part
JOIN synth_mix_size md ON md.role = 'dst' AND md.part = s.part
WHERE s.leg = 'out';

CREATE OR REPLACE TEMP TABLE synth_out_pick AS
SELECT k.* EXCLUDE (year_idx, dst_mix_idx), y.year, y.mean_usd, d.pool AS dst_pool,
       w.lo + synth_pick(k.seed, 42, k.k, w.hi - w.lo) AS parent_rnk,
       synth_pick(k.seed, 43, k.k, d.size) AS dst_idx
FROM synth_out_key k
JOIN synth_year y ON y.part = k.part AND y.idx = k.year_idx
JOIN synth_mix d ON d.role = 'dst' AND d.part = k.part AND d.idx = k.dst_mix_idx
JOIN synth_in_window w ON w.fund_id = k.fund_id AND w.y = y.year;

CREATE OR REPLACE TEMP TABLE synth_out AS
WITH recipient AS (
    SELECT p.*, r.k AS parent_k, r.modality AS parent_modality,
           d.actor_id AS dst_actor, d.country_iso3 AS dst_country, d.city_id AS dst_city
    FROM synth_out_pick p
    JOIN synth_in_rank r ON r.fund_id = p.fund_id AND r.rnk = p.parent_rnk
    JOIN synth_pool d ON d.pool = p.dst_pool AND d.idx = p.dst_idx
),
timed AS (
    SELECT r.*,
           least(r.year + CAST(synth_u(r.seed, 44, r.k) < 0.35 AS INTEGER), r.last_year) AS disb_year,
           synth_u(r.seed, 45, r.k) < 0.45 AS exp_later
    FROM recipient r
),
drawn AS (
SELECT t.fund_id, t.part, t.k, t.parent_k, t.year, t.disb_year,
       least(t.disb_year + CAST(t.exp_later AS INTEGER), t.last_year) AS exp_year,
       t.dst_actor, t.dst_country, t.dst_city,
       CASE WHEN t.parent_modality = 'triangular' AND NOT coalesce(c.is_g77, false)
            THEN 'north_south' ELSE t.parent_modality END AS modality,
       CASE
           WHEN t.part = 'cities_out' THEN
               CASE WHEN synth_u(t.seed, 46, t.k) < 0.5 THEN 'grant'
                    WHEN synth_u(t.seed, 46, t.k) < 0.8 THEN 'technical_cooperation' ELSE 'in_kind' END
           WHEN t.part = 'dgttf_out' THEN
               CASE WHEN synth_u(t.seed, 46, t.k) < 0.7 THEN 'grant' ELSE 'technical_cooperation' END
           ELSE CASE WHEN synth_u(t.seed, 46, t.k) < 0.6 THEN 'grant' ELSE 'technical_cooperation' END
       END AS instrument,
       CASE WHEN t.part = 'cities_out' THEN 'CHF' ELSE 'USD' END AS want_currency,
       -- DECIMAL: sums are exact whatever order the threads add them in (determinism)
       CAST(t.mean_usd * exp(0.5 * synth_z(t.seed, 50, t.k) - 0.125) AS DECIMAL(18, 4)) AS alloc_raw,
       0.80 + 0.19 * synth_u(t.seed, 47, t.k) AS disb_share,
       0.85 + 0.14 * synth_u(t.seed, 48, t.k) AS exp_share,
       synth_u(t.seed, 51, t.k) < CASE WHEN t.year < 2000 THEN 0.3 ELSE 0.08 END AS year_only,
       synth_day(t.year, synth_u(t.seed, 49, t.k) * 0.8) AS a_date,
       synth_u(t.seed, 52, t.k) AS u1, synth_u(t.seed, 53, t.k) AS u2
FROM timed t LEFT JOIN country c ON c.iso3 = t.dst_country
),
disb AS (
    SELECT d.*, CASE WHEN d.disb_year = d.year
        THEN d.a_date + CAST(floor(d.u1 * (make_date(CAST(d.year AS BIGINT), 12, 31) - d.a_date + 1)) AS INTEGER)
        ELSE synth_day(d.disb_year, d.u1) END AS b_date
    FROM drawn d
)
SELECT d.* EXCLUDE (year_only, a_date, b_date, u1, u2),
       CASE WHEN NOT d.year_only THEN d.a_date END AS d0,
       CASE WHEN NOT d.year_only THEN d.b_date END AS d1,
       CASE WHEN d.year_only THEN NULL WHEN d.exp_year = d.disb_year
            THEN d.b_date + CAST(floor(d.u2 * (make_date(CAST(d.disb_year AS BIGINT), 12, 31)
                                               - d.b_date + 1)) AS INTEGER)
            ELSE synth_day(d.exp_year, d.u2) END AS d2
FROM disb d;

DROP TABLE synth_out_key;
DROP TABLE synth_out_pick;
DROP TABLE synth_unit;

-- paid amount of every pair unit (before the fund's calibration factor)
CREATE OR REPLACE TEMP TABLE synth_paid AS
WITH children AS (SELECT parent_k, sum(alloc_raw) AS s FROM synth_out GROUP BY parent_k)
SELECT p.k,
       CAST(greatest(p.own_usd, coalesce(CAST(c.s AS DOUBLE) / p.utilisation, 0.0)) AS DECIMAL(18, 4))
           AS paid_raw
FROM synth_pair p LEFT JOIN children c ON c.parent_k = p.k;

-- one factor per fund so the default 20,000 rows meet the cited aggregates; totals scale with
-- rows / 20,000 (per-row amounts keep their distribution at every size)
CREATE OR REPLACE TEMP TABLE synth_scale AS
WITH target(fund_id, usd, what) AS (
    VALUES ('pgtf', 15500000.0, 'allocated'), ('unfssc', 29000000.0, 'paid_in'),
           ('dgttf', 102200000.0, 'paid_in_to_2007'), ('cities_fund', 9000000.0, 'paid_in')
),
measured AS (
    SELECT 'pgtf' AS fund_id, sum(alloc_raw) AS raw FROM synth_out WHERE fund_id = 'pgtf'
    UNION ALL
    SELECT p.fund_id, sum(q.paid_raw) FROM synth_pair p JOIN synth_paid q ON q.k = p.k
    WHERE p.leg = 'in' AND p.fund_id IN ('unfssc', 'cities_fund') GROUP BY p.fund_id
    UNION ALL
    SELECT 'dgttf', sum(q.paid_raw) FROM synth_pair p JOIN synth_paid q ON q.k = p.k
    WHERE p.leg = 'in' AND p.fund_id = 'dgttf' AND p.year <= 2007
)
SELECT t.fund_id, coalesce(t.usd * s.calib_scale / nullif(CAST(m.raw AS DOUBLE), 0), 1.0) AS factor
FROM target t CROSS JOIN synth_params s LEFT JOIN measured m ON m.fund_id = t.fund_id;
