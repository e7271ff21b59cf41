-- Constant prices (issue 19; sql/README.md "Money"). Read after flows_cube.sql and
-- per_flow_cube.sql (views are created in file-name order; a macro needs the ones it reads).
--
-- deflator_effective: the deflator rows in use. A series the user loaded (kind 'user') replaces
-- the bundled series of the same name whole, so two base periods never mix in one series.
CREATE OR REPLACE VIEW deflator_effective AS
SELECT d.series, d.year, d."index", d.source, d.retrieved, d.kind
FROM deflator AS d
WHERE d.kind = 'user'
   OR NOT EXISTS (SELECT 1 FROM deflator AS u WHERE u.series = d.series AND u.kind = 'user');

-- price_factors(series, base_year, currency): one row per year of the series with
--   flow_index (index of that year), base_year (NULL given: the series' last year),
--   base_index, usd_per_unit (the display currency's annual average rate in the base year:
--   the user's yearly rate when loaded, else the average of the ECB daily rates; 1 for USD)
--   and factor = base_index / flow_index / usd_per_unit, so that
--   amount_usd × factor = the amount in constant base-year prices of the display currency.
-- A base year the series does not hold, or no rate for the currency that year: factor NULL.
CREATE OR REPLACE MACRO price_factors(p_series, p_base_year, p_currency) AS TABLE
WITH s AS (
    SELECT year, "index" FROM deflator_effective WHERE series = p_series
),
b AS (
    SELECT coalesce(p_base_year::INTEGER, (SELECT max(year) FROM s)) AS base_year
),
rate AS (
    SELECT CASE WHEN p_currency = 'USD' THEN 1.0::DOUBLE
                ELSE coalesce(
                    (SELECT any_value(usd_per_unit) FROM fx_rate_table
                     WHERE kind = 'user' AND rate_date IS NULL AND currency = p_currency
                       AND year = (SELECT base_year FROM b)),
                    (SELECT avg(usd_per_unit) FROM fx_daily
                     WHERE currency = p_currency
                       AND year(rate_date) = (SELECT base_year FROM b))) END AS usd_per_unit
)
SELECT s.year, s."index" AS flow_index, b.base_year, bi."index" AS base_index,
       rate.usd_per_unit,
       bi."index" / s."index" / rate.usd_per_unit AS factor
FROM s CROSS JOIN b CROSS JOIN rate
LEFT JOIN s AS bi ON bi.year = b.base_year;

-- flows_cube_constant(base_year, deflator, <the parameters of flows_cube>): flows_cube with
-- `amount` in constant prices of the display currency. The cube is per year, so the year's
-- factor applied to a cube group's exact USD sum is exact (tests/test_prices.py compares it
-- with the cpi package's inflate()). Every display currency reads the USD sums (constant EUR,
-- CHF, GBP, ... = constant USD at the base year's annual average rate).
-- pipelines.store.warehouse.query reads this macro instead of flows_cube when prices=constant.
-- adds: flows_without_deflator (flows with a USD amount whose year the series has no index
--   for: counted, kept, flagged no_deflator); flows_without_amount counts them too.
CREATE OR REPLACE MACRO flows_cube_constant(
    p_base_year, p_deflator,
    p_dataset, p_year_from, p_year_to, p_funds, p_stages, p_modalities, p_kinds,
    p_contributors, p_countries, p_regions, p_statuses, p_currency
) AS TABLE
SELECT c.* REPLACE (
           p_currency AS display_currency,
           c.amount * pf.factor AS amount,
           CASE WHEN pf.factor IS NULL THEN c.flows ELSE c.flows_without_amount END
               AS flows_without_amount),
       CASE WHEN pf.factor IS NULL THEN c.flows - c.flows_without_amount ELSE 0 END::BIGINT
           AS flows_without_deflator
FROM flows_cube(p_dataset, p_year_from, p_year_to, p_funds, p_stages, p_modalities, p_kinds,
                p_contributors, p_countries, p_regions, p_statuses, 'USD') AS c
LEFT JOIN price_factors(p_deflator, p_base_year, p_currency) AS pf ON pf.year = c.year;
