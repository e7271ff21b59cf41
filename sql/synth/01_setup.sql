-- synth step 1: random helpers and the row layout.
-- synth_u(seed, salt, k): deterministic uniform [0, 1) from the seed, an attribute salt and a
-- key (xor-then-hash: plain multi-argument hash() correlates neighbouring salts).
CREATE OR REPLACE TEMP MACRO synth_h(seed, salt, k) AS
    hash(xor(CAST(k AS UBIGINT), hash(CAST(seed AS BIGINT) * 1000003 + CAST(salt AS BIGINT))));
CREATE OR REPLACE TEMP MACRO synth_u(seed, salt, k) AS
    CAST(synth_h(seed, salt, k) >> 11 AS DOUBLE) / 9007199254740992.0;
-- approximately standard normal (Irwin-Hall of four uniforms, rescaled)
CREATE OR REPLACE TEMP MACRO synth_z(seed, salt, k) AS
    (synth_u(seed, salt, k) + synth_u(seed, salt + 1, k) + synth_u(seed, salt + 2, k)
     + synth_u(seed, salt + 3, k) - 2.0) * sqrt(3.0);
-- an index 0..size-1 (NULL when size is NULL)
CREATE OR REPLACE TEMP MACRO synth_pick(seed, salt, k, size) AS
    CAST(synth_h(seed, salt, k) % CAST(size AS UBIGINT) AS BIGINT);
-- a day of year y: offset 0..span-1 days after start
CREATE OR REPLACE TEMP MACRO synth_day(y, u) AS
    make_date(CAST(y AS BIGINT), 1, 1) + CAST(floor(u * 365) AS INTEGER);

-- segments: fund in-legs (pledge/commitment + paid pairs), fund out-legs (allocation,
-- disbursement, expenditure triples), direct city-to-city pairs, then local private pairs
-- taking every remaining row. per_20k: units at the default 20,000 rows.
CREATE OR REPLACE TEMP TABLE synth_segment AS
WITH spec(seg, fund_id, leg, per_unit, per_20k, part, promise) AS (
    VALUES (0, 'pgtf', 'in', 2, 300, 'pgtf_in', 'pledge'),
           (1, 'pgtf', 'out', 3, 361, 'pgtf_out', NULL),
           (2, 'unfssc', 'in', 2, 250, 'unfssc_in', 'pledge'),
           (3, 'unfssc', 'out', 3, 400, 'unfssc_out', NULL),
           (4, 'dgttf', 'in', 2, 300, 'dgttf_in', 'commitment'),
           (5, 'dgttf', 'out', 3, 750, 'dgttf_out', NULL),
           (6, 'cities_fund', 'in', 2, 200, 'cities_in', 'commitment'),
           (7, 'cities_fund', 'out', 3, 350, 'cities_out', NULL),
           (8, NULL, 'direct', 2, 1000, 'c2c', 'commitment')
),
counted AS (
    SELECT s.*, CAST(floor(s.per_20k * p.n / 20000.0) AS BIGINT) AS raw_units FROM spec s, synth_params p
),
fixed AS (   -- no out-legs without in-legs to pass on
    SELECT c.*, CASE WHEN c.leg = 'out' AND i.raw_units = 0 THEN 0 ELSE c.raw_units END AS units
    FROM counted c LEFT JOIN counted i ON i.fund_id = c.fund_id AND i.leg = 'in'
),
laid AS (
    SELECT seg, fund_id, leg, per_unit, part, promise, units, units * per_unit AS seg_rows
    FROM fixed
    UNION ALL
    SELECT 9, NULL, 'direct', 2, 'lp', 'pledge',
           CAST(ceil((p.n - sum(f.units * f.per_unit)) / 2.0) AS BIGINT),
           p.n - sum(f.units * f.per_unit)
    FROM fixed f, synth_params p GROUP BY p.n
)
SELECT *, coalesce(sum(seg_rows) OVER (ORDER BY seg ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
          AS row_base
FROM laid;

-- one row per unit, materialised so the planner knows how many there are (an unnest inside
-- the next query made it build its hash tables on the big side)
CREATE OR REPLACE TEMP TABLE synth_unit AS
SELECT seg, unnest(range(units)) AS unit FROM synth_segment;
