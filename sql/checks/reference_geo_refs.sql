-- country statuses, cities and actors pointing to unknown countries or cities; cities without
-- coordinates; statuses outside the vocabulary or ending before they start
SELECT 'country_status' AS tbl, iso3 AS id, status AS detail FROM country_status
WHERE iso3 NOT IN (SELECT iso3 FROM country)
   OR status NOT IN ('ldc', 'lldc', 'sids', 'g77', 'dac')
   OR (to_year IS NOT NULL AND from_year IS NOT NULL AND to_year < from_year)
   OR (to_date IS NOT NULL AND from_date IS NOT NULL AND to_date <= from_date)
UNION ALL
SELECT 'city', city_id, country_iso3 FROM city
WHERE country_iso3 NOT IN (SELECT iso3 FROM country) OR lat IS NULL OR lon IS NULL
UNION ALL
SELECT 'actor', actor_id, coalesce(country_iso3, '') || '/' || coalesce(city_id, '') FROM actor
WHERE (country_iso3 IS NOT NULL AND country_iso3 NOT IN (SELECT iso3 FROM country))
   OR (city_id IS NOT NULL AND city_id NOT IN (SELECT city_id FROM city));
