"""Reference tables: countries, statuses, regions, cities, actors, IATI code lists."""
