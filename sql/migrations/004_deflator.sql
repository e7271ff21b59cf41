-- 004_deflator: price indexes for constant prices (issue 19). One row per series and year.
-- The bundled series `us_cpi_u` (US CPI-U, annual average, U.S. Bureau of Labor Statistics, as
-- shipped inside the `cpi` package) is read once at build (kind 'bundled'); a user's own series
-- (`fundflows deflators load FILE`, kind 'user') take precedence: a series the user has loaded
-- replaces the bundled rows of the same name whole (sql/views/prices.sql: deflator_effective).
CREATE TABLE deflator (
    series    VARCHAR NOT NULL,         -- e.g. us_cpi_u, oecd_dac_usa
    year      INTEGER NOT NULL,
    "index"   DOUBLE NOT NULL,          -- any base period: only ratios of two years are used
    source    VARCHAR NOT NULL,
    retrieved DATE,                     -- bundled: last month the shipped data covers;
                                        -- user: the day the file was loaded
    kind      VARCHAR NOT NULL DEFAULT 'user',   -- bundled | user
    batch_id  VARCHAR,                  -- user loads: deflators-<timestamp>
    PRIMARY KEY (series, year, kind)
);
