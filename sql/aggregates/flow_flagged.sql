-- flow_flagged: the flows_enriched rows of flows flagged as outliers or negative corrections
-- (or with a negative amount), for the Sources page's outlier list: a handful of rows instead
-- of every flow. Rebuilt from every flow in each publication (pipelines/aggregates.maintain;
-- the flags are found on the bare flow table first, then only those flows are enriched), so it
-- always has the view's current columns. This form serves many flagged flows; up to
-- aggregates.FLAGGED_BY_IDS of them, flow_flagged_by_ids.sql is cheaper.
-- grain: flow_id
CREATE OR REPLACE TABLE flow_flagged AS
SELECT * FROM flows_enriched
WHERE flow_id IN (
    SELECT flow_id FROM flow
    WHERE list_contains(flags, 'outlier') OR list_contains(flags, 'negative_correction')
       OR amount_usd < 0
);

