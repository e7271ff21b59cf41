-- purpose: `fundflows export --prices constant`: the rows of explore_flows (the CTE `flows`,
--   which pipelines/cli/export.py puts in front of this text) with their constant-price columns
--   next to the current amount; a flow whose year has no index keeps NULLs and gets the flag
--   no_deflator (counted and exported, never dropped)
-- grain: flow
-- params: explore_flows' parameters, base_year (NULL: the series' last year), deflator
-- columns: explore_flows' columns (flags with no_deflator added), amount_usd_constant, price_base_year, deflator_series, deflator_index_flow_year, deflator_index_base_year
SELECT f.* REPLACE (
           CASE WHEN f.amount_usd IS NOT NULL AND p.factor IS NULL
                THEN list_append(coalesce(f.flags, []::VARCHAR[]), 'no_deflator')
                ELSE f.flags END AS flags),
       round(f.amount_usd::DOUBLE * p.factor, 2) AS amount_usd_constant,
       b.base_year AS price_base_year,
       $deflator::VARCHAR AS deflator_series,
       p.flow_index AS deflator_index_flow_year,
       b.base_index AS deflator_index_base_year
FROM flows AS f
CROSS JOIN (SELECT any_value(base_year) AS base_year, any_value(base_index) AS base_index
            FROM price_factors($deflator::VARCHAR, $base_year::INTEGER, 'USD')) AS b
LEFT JOIN price_factors($deflator::VARCHAR, $base_year::INTEGER, 'USD') AS p
       ON p.year = f.year
