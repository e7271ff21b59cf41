-- 003_flow_cube_links: flow_cube also groups by the city link of a flow and the currency of its
-- original amount, so the city-to-city map and the "no rate" table read it too. Existing rows
-- are dropped: the next publication aggregates every dataset missing from the cube again
-- (pipelines/aggregates.maintain).
ALTER TABLE flow_cube ADD COLUMN from_city_id VARCHAR;     -- the contributor's city
ALTER TABLE flow_cube ADD COLUMN to_city_id VARCHAR;       -- recipient city, else the
                                                           -- destination actor's (only when
                                                           -- the contributor has a city)
ALTER TABLE flow_cube ADD COLUMN currency VARCHAR;         -- currency of amount_original
-- sum of amount_original over the flows without an amount in USD, EUR, CHF, GBP
ALTER TABLE flow_cube ADD COLUMN usd_missing_original DECIMAL(38, 6);
ALTER TABLE flow_cube ADD COLUMN eur_missing_original DECIMAL(38, 6);
ALTER TABLE flow_cube ADD COLUMN chf_missing_original DECIMAL(38, 6);
ALTER TABLE flow_cube ADD COLUMN gbp_missing_original DECIMAL(38, 6);
DELETE FROM flow_cube;
