-- flow_enriched: flows_enriched materialised once per published version, sorted by dataset and
-- year so that DuckDB's zone maps skip row groups for the dataset and year filters.
-- grain: flow_id (exactly the rows and columns of the flows_enriched view)
-- maintained by: pipelines/aggregates.refresh(), run in publish() after the views are created;
--   afterwards the flows_enriched view selects from this table (see pipelines/aggregates.py).
CREATE OR REPLACE TABLE flow_enriched AS
SELECT * FROM flows_enriched ORDER BY dataset, year, flow_id;
