-- synth step 3: weighted pools (each candidate repeated by its weight, numbered 0..size-1 so a
-- pick is one equi-join), the mix of pools per segment part, and the yearly shape of each part.
CREATE OR REPLACE TEMP TABLE synth_pool_base AS
WITH gov AS (
    SELECT a.actor_id, a.country_iso3, c.is_g77, c.is_dac_member, c.is_ldc
    FROM actor a JOIN country c ON c.iso3 = a.country_iso3
    WHERE a.kind = 'government' AND a.actor_id LIKE 'gov-%'
),
country_gov AS (   -- one government actor per country, when reference has it
    SELECT country_iso3, min(actor_id) AS actor_id FROM gov GROUP BY ALL
),
localgov AS (
    SELECT a.actor_id, a.country_iso3, a.city_id, coalesce(c.is_ldc, false) AS is_ldc,
           coalesce(c.is_g77 OR c.is_ldc, false) AS is_developing
    FROM actor a LEFT JOIN country c ON c.iso3 = a.country_iso3
    WHERE a.kind = 'local_government'
),
other AS (
    SELECT a.actor_id, a.kind, a.country_iso3, a.city_id, a.origin,
           coalesce(c.is_ldc, false) AS is_ldc
    FROM actor a LEFT JOIN country c ON c.iso3 = a.country_iso3
    WHERE a.kind IN ('multilateral', 'city_network') OR a.origin = 'demo'
)
SELECT 'g77_gov' AS pool, actor_id, country_iso3, NULL AS city_id, 1 AS w
FROM gov WHERE is_g77 AND NOT is_dac_member
UNION ALL SELECT 'dac_gov', actor_id, country_iso3, NULL, 1 FROM gov WHERE is_dac_member
UNION ALL SELECT 'multilateral', actor_id, country_iso3, city_id, 1 FROM other
          WHERE kind = 'multilateral' AND origin <> 'demo'
UNION ALL SELECT 'network', actor_id, country_iso3, city_id, 1 FROM other WHERE kind = 'city_network'
UNION ALL SELECT 'local_gov', actor_id, country_iso3, city_id, 1 FROM localgov
UNION ALL SELECT 'company', actor_id, country_iso3, NULL, 1 FROM other
          WHERE origin = 'demo' AND actor_id LIKE 'demo-company-%'
UNION ALL SELECT 'foundation', actor_id, country_iso3, NULL, 1 FROM other
          WHERE origin = 'demo' AND actor_id LIKE 'demo-foundation-%'
UNION ALL SELECT 'community_donor', actor_id, country_iso3, NULL, 1 FROM other
          WHERE origin = 'demo' AND actor_id LIKE 'demo-community-donors-%'
UNION ALL SELECT 'individual', actor_id, country_iso3, NULL, 1 FROM other
          WHERE origin = 'demo' AND actor_id LIKE 'demo-individual-donors-%'
-- recipients, weighted toward least developed countries (3:1)
UNION ALL SELECT 'recip_g77', g.actor_id, c.iso3, NULL, CASE WHEN c.is_ldc THEN 3 ELSE 1 END
          FROM country c LEFT JOIN country_gov g ON g.country_iso3 = c.iso3
          WHERE c.is_g77 AND NOT c.is_dac_member
UNION ALL SELECT 'recip_transition', g.actor_id, c.iso3, NULL, 1
          FROM country c LEFT JOIN country_gov g ON g.country_iso3 = c.iso3
          WHERE c.iso3 IN ('UKR', 'MDA', 'MNE', 'ALB', 'SRB', 'MKD', 'BIH', 'ARM', 'GEO',
                           'AZE', 'BLR', 'KGZ', 'TJK', 'UZB', 'KAZ', 'XKX', 'TUR')
            AND NOT c.is_g77 AND NOT c.is_dac_member
UNION ALL SELECT 'recip_city', actor_id, country_iso3, city_id, CASE WHEN is_ldc THEN 3 ELSE 1 END
          FROM localgov WHERE is_developing
UNION ALL SELECT 'recip_localgov', actor_id, country_iso3, city_id,
                 CASE WHEN is_ldc THEN 3 ELSE 1 END FROM localgov
UNION ALL SELECT 'recip_community', actor_id, country_iso3, NULL, CASE WHEN is_ldc THEN 3 ELSE 1 END
          FROM other WHERE origin = 'demo' AND actor_id LIKE 'demo-community-group-%';

CREATE OR REPLACE TEMP TABLE synth_pool AS
WITH expanded AS (SELECT *, unnest(range(w)) AS copy FROM synth_pool_base)
SELECT pool, row_number() OVER (PARTITION BY pool ORDER BY actor_id, country_iso3, copy) - 1 AS idx,
       actor_id, country_iso3, city_id
FROM expanded;

CREATE OR REPLACE TEMP TABLE synth_pool_size AS
SELECT pool, count(*) AS size FROM synth_pool GROUP BY pool;

-- which pool a segment part draws from (shares in per mille; empty pools drop out), with the
-- pool's size
CREATE OR REPLACE TEMP TABLE synth_mix AS
WITH spec(role, part, pool, w) AS (
    VALUES ('src', 'pgtf_in', 'g77_gov', 950), ('src', 'pgtf_in', 'multilateral', 50),
           ('src', 'unfssc_in', 'g77_gov', 650), ('src', 'unfssc_in', 'dac_gov', 250),
           ('src', 'unfssc_in', 'multilateral', 100),
           ('src', 'dgttf_in', 'dac_gov', 900), ('src', 'dgttf_in', 'multilateral', 100),
           ('src', 'cities_in', 'local_gov', 650), ('src', 'cities_in', 'network', 200),
           ('src', 'cities_in', 'foundation', 100), ('src', 'cities_in', 'company', 50),
           ('src', 'c2c', 'local_gov', 900), ('src', 'c2c', 'network', 100),
           ('src', 'lp', 'company', 350), ('src', 'lp', 'foundation', 300),
           ('src', 'lp', 'community_donor', 250), ('src', 'lp', 'individual', 100),
           ('dst', 'pgtf_out', 'recip_g77', 1000), ('dst', 'unfssc_out', 'recip_g77', 1000),
           ('dst', 'dgttf_out', 'recip_g77', 880), ('dst', 'dgttf_out', 'recip_transition', 120),
           ('dst', 'cities_out', 'recip_city', 1000), ('dst', 'c2c', 'recip_city', 1000),
           ('dst', 'lp', 'recip_localgov', 450), ('dst', 'lp', 'network', 150),
           ('dst', 'lp', 'recip_community', 400)
),
present AS (
    SELECT s.* FROM spec s JOIN synth_pool_size z ON z.pool = s.pool WHERE z.size > 0
),
expanded AS (
    SELECT p.role, p.part, p.pool, z.size, unnest(range(p.w)) AS copy
    FROM present p JOIN synth_pool_size z ON z.pool = p.pool
)
SELECT role, part, pool, size,
       row_number() OVER (PARTITION BY role, part ORDER BY pool, copy) - 1 AS idx
FROM expanded;

CREATE OR REPLACE TEMP TABLE synth_mix_size AS
SELECT role, part, count(*) AS size FROM synth_mix GROUP BY ALL;

-- the shape of each part over the years: (first year, last year, weight per year, mean USD per
-- unit). PGTF out: about 6 projects a year to 1998, 13 to 2007, 11 to 2017, 20 in 2018, 8 after,
-- with mean sizes that follow the cited cumulative allocations (F014-F019).
CREATE OR REPLACE TEMP TABLE synth_year AS
WITH spec(part, y0, y1, w, mean_usd) AS (
    VALUES ('pgtf_in', 1983, 1983, 1, 30000.0), ('pgtf_in', 1984, 1986, 1, 30000.0),
           ('pgtf_in', 1987, 2002, 2, 30000.0), ('pgtf_in', 2003, 2024, 3, 30000.0),
           ('pgtf_out', 1987, 1998, 5, 87000.0), ('pgtf_out', 1999, 2007, 13, 41000.0),
           ('pgtf_out', 2008, 2017, 11, 32000.0), ('pgtf_out', 2018, 2018, 20, 25000.0),
           ('pgtf_out', 2019, 2024, 8, 26000.0),
           ('unfssc_in', 1996, 2002, 2, 90000.0), ('unfssc_in', 2003, 2024, 3, 90000.0),
           ('unfssc_out', 1997, 2002, 2, 60000.0), ('unfssc_out', 2003, 2024, 3, 60000.0),
           ('dgttf_in', 2001, 2001, 2, 300000.0), ('dgttf_in', 2002, 2002, 4, 300000.0),
           ('dgttf_in', 2003, 2007, 6, 300000.0), ('dgttf_in', 2008, 2010, 5, 300000.0),
           ('dgttf_in', 2011, 2013, 3, 300000.0),
           ('dgttf_out', 2001, 2001, 2, 150000.0), ('dgttf_out', 2002, 2011, 8, 150000.0),
           ('dgttf_out', 2012, 2013, 4, 150000.0),
           ('cities_in', 2001, 2009, 1, 40000.0), ('cities_out', 2001, 2001, 1, 25000.0),
           ('cities_out', 2002, 2009, 3, 25000.0),
           ('c2c', 1990, 1999, 1, 30000.0), ('c2c', 2000, 2024, 3, 30000.0),
           ('lp', 1983, 1994, 1, 6000.0), ('lp', 1995, 2009, 2, 8000.0),
           ('lp', 2010, 2024, 3, 10000.0)
),
years AS (SELECT part, unnest(range(y0, y1 + 1)) AS year, w, mean_usd FROM spec),
expanded AS (SELECT part, year, mean_usd, unnest(range(w)) AS copy FROM years)
SELECT part, row_number() OVER (PARTITION BY part ORDER BY year, copy) - 1 AS idx, year, mean_usd
FROM expanded;

CREATE OR REPLACE TEMP TABLE synth_year_size AS
SELECT part, count(*) AS size, min(year) AS first_year, max(year) AS last_year
FROM synth_year GROUP BY part;
