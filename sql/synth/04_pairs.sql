-- synth step 4: pair units (two rows each: a promise, then the paid part of it): in-legs into
-- the funds, direct city-to-city and direct local private flows. k = the unit's first row index.
-- Three statements, each joining on plain columns computed before it, so the planner joins
-- the small tables by hash (a pick condition spanning three tables became a filter over a
-- cross product).
CREATE OR REPLACE TEMP TABLE synth_pair_key AS
SELECT s.fund_id, s.leg, s.part, s.promise, u.unit, s.seg_rows - 2 * u.unit AS rows_left,
       s.row_base + 2 * u.unit AS k, p.seed, ys.first_year,
       synth_pick(p.seed, 10, s.row_base + 2 * u.unit, ys.size) AS year_idx,
       synth_pick(p.seed, 11, s.row_base + 2 * u.unit, ms.size) AS src_mix_idx,
       synth_pick(p.seed, 12, s.row_base + 2 * u.unit, md.size) AS dst_mix_idx
FROM synth_unit u JOIN synth_segment s ON s.seg = u.seg CROSS JOIN synth_params p
JOIN synth_year_size ys ON ys.part = s.part
JOIN synth_mix_size ms ON ms.role = 'src' AND ms.part = s.part
LEFT JOIN synth_mix_size md ON md.role = 'dst' AND md.part = s.part
WHERE s.per_unit = 2;

CREATE OR REPLACE TEMP TABLE synth_pair_pick AS
SELECT k.* EXCLUDE (year_idx, src_mix_idx, dst_mix_idx, first_year),
       CASE WHEN k.leg = 'in' AND k.unit = 0 THEN k.first_year ELSE y.year END AS year,
       y.mean_usd, m.pool AS src_pool, d.pool AS dst_pool,
       synth_pick(k.seed, 13, k.k, m.size) AS src_idx,
       synth_pick(k.seed, 14, k.k, d.size) AS dst_idx,
       CAST((synth_h(k.seed, 14, k.k) % CAST(d.size AS UBIGINT) + 1) % CAST(d.size AS UBIGINT)
            AS BIGINT) AS dst_idx2
FROM synth_pair_key k
JOIN synth_year y ON y.part = k.part AND y.idx = k.year_idx
JOIN synth_mix m ON m.role = 'src' AND m.part = k.part AND m.idx = k.src_mix_idx
LEFT JOIN synth_mix d ON d.role = 'dst' AND d.part = k.part AND d.idx = k.dst_mix_idx;

CREATE OR REPLACE TEMP TABLE synth_pair AS
WITH actors AS (
    SELECT z.*, sa.actor_id AS src_actor, sa.country_iso3 AS src_country,
           CASE WHEN d1.actor_id IS DISTINCT FROM sa.actor_id THEN d1.actor_id ELSE d2.actor_id END
               AS dst_actor,
           CASE WHEN d1.actor_id IS DISTINCT FROM sa.actor_id THEN d1.country_iso3
                ELSE d2.country_iso3 END AS dst_country,
           CASE WHEN d1.actor_id IS DISTINCT FROM sa.actor_id THEN d1.city_id ELSE d2.city_id END
               AS dst_city
    FROM synth_pair_pick z
    JOIN synth_pool sa ON sa.pool = z.src_pool AND sa.idx = z.src_idx
    LEFT JOIN synth_pool d1 ON d1.pool = z.dst_pool AND d1.idx = z.dst_idx
    LEFT JOIN synth_pool d2 ON d2.pool = z.dst_pool AND d2.idx = z.dst_idx2
),
drawn AS (
SELECT a.fund_id, a.leg, a.part, a.promise, a.k, a.rows_left,
       a.year, a.src_actor, a.dst_actor, a.dst_country, a.dst_city,
       CASE
           WHEN a.src_pool = 'g77_gov' THEN 'south_south'
           WHEN a.src_pool = 'dac_gov' THEN 'triangular'
           WHEN a.src_pool = 'multilateral' THEN 'multilateral'
           WHEN a.src_pool IN ('local_gov', 'network') THEN 'city_to_city'
           ELSE 'local_private'
       END AS modality,
       CASE
           WHEN a.part = 'lp' THEN
               CASE WHEN synth_u(a.seed, 15, a.k) < 0.45 THEN 'grant'
                    WHEN synth_u(a.seed, 15, a.k) < 0.70 THEN 'in_kind'
                    WHEN synth_u(a.seed, 15, a.k) < 0.85 THEN 'micro_credit' ELSE 'loan' END
           WHEN a.part = 'c2c' THEN
               CASE WHEN synth_u(a.seed, 15, a.k) < 0.5 THEN 'technical_cooperation'
                    WHEN synth_u(a.seed, 15, a.k) < 0.8 THEN 'in_kind' ELSE 'grant' END
           ELSE 'grant'
       END AS instrument,
       -- own currency for most non-UN contributors, US dollars for most G-77 pledges
       CASE WHEN synth_u(a.seed, 16, a.k) < CASE a.src_pool WHEN 'g77_gov' THEN 0.3
                                                            WHEN 'multilateral' THEN 0.0
                                                            WHEN 'dac_gov' THEN 0.8 ELSE 0.9 END
            THEN coalesce(c.currency_code, 'USD') ELSE 'USD' END AS want_currency,
       synth_u(a.seed, 17, a.k) < CASE WHEN a.year < 2000 THEN 0.3 ELSE 0.08 END AS year_only,
       synth_day(a.year, synth_u(a.seed, 18, a.k) * 0.66) AS promise_date,
       synth_u(a.seed, 19, a.k) AS paid_day_u,
       CASE WHEN synth_u(a.seed, 20, a.k) < 0.3 THEN 1.0
            ELSE 0.55 + 0.4 * synth_u(a.seed, 21, a.k) END AS fulfilment,
       0.70 + 0.25 * synth_u(a.seed, 22, a.k) AS utilisation,
       greatest(a.mean_usd * exp(CASE WHEN a.part = 'lp' THEN 0.9 ELSE 0.6 END * synth_z(a.seed, 30, a.k)
                                 - CASE WHEN a.part = 'lp' THEN 0.405 ELSE 0.18 END), 1000.0) AS own_usd
FROM actors a LEFT JOIN country c ON c.iso3 = a.src_country
)
SELECT d.* EXCLUDE (promise_date, paid_day_u, year_only),
       CASE WHEN NOT d.year_only THEN d.promise_date END AS d0,
       CASE WHEN NOT d.year_only THEN d.promise_date + 1 + CAST(floor(d.paid_day_u
            * (make_date(CAST(d.year AS BIGINT), 12, 31) - d.promise_date - 1)) AS INTEGER) END AS d1
FROM drawn d;

DROP TABLE synth_pair_key;
DROP TABLE synth_pair_pick;
