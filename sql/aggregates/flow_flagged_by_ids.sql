-- flow_flagged_by_ids: flow_flagged (see flow_flagged.sql) when the flagged flows are few:
-- their ids come as a list, so only their rows are enriched.
-- grain: flow_id
-- params: ids (VARCHAR[]: the flagged flows, found with flagged_ids.sql)
CREATE OR REPLACE TABLE flow_flagged AS
SELECT * FROM flows_enriched WHERE list_contains($ids::VARCHAR[], flow_id);
