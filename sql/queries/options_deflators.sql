-- purpose: the deflator series a view can use (filter `deflator`), with their years and source
-- grain: series
-- params: none
-- columns: series, first_year, last_year, kind, source, retrieved, years
SELECT series, min(year)::INTEGER AS first_year, max(year)::INTEGER AS last_year,
       any_value(kind) AS kind, any_value(source) AS source, max(retrieved) AS retrieved,
       count(*)::BIGINT AS years
FROM deflator_effective
GROUP BY series
ORDER BY series <> 'us_cpi_u', series;
