-- flows pointing at a batch, actor, fund, country, document or parent flow that is missing
-- (one row per such flow, naming the first missing reference). One pass over the flows; a
-- parent is looked up among the flow ids only for the distinct parents named.
-- $batches: as in flow_money.sql (the referenced tables are always read whole)
WITH f AS NOT MATERIALIZED (
    SELECT * FROM flow WHERE $batches IS NULL OR list_contains($batches, batch_id)
),
parents AS (SELECT DISTINCT parent_flow_id AS id FROM f WHERE parent_flow_id IS NOT NULL),
missing_parent AS (
    SELECT id FROM parents
    EXCEPT SELECT flow_id FROM flow WHERE flow_id IN (SELECT id FROM parents)
),
checked AS (
    SELECT f.flow_id,
        CASE
            WHEN b.batch_id IS NULL THEN 'batch'
            WHEN f.source_actor_id IS NOT NULL AND sa.actor_id IS NULL THEN 'source actor'
            WHEN f.destination_actor_id IS NOT NULL AND da.actor_id IS NULL
                THEN 'destination actor'
            WHEN f.fund_id IS NOT NULL AND fu.fund_id IS NULL THEN 'fund'
            WHEN f.recipient_country_iso3 IS NOT NULL AND co.iso3 IS NULL
                THEN 'recipient country'
            WHEN f.source_document_id IS NOT NULL AND sd.source_document_id IS NULL
                THEN 'source document'
            WHEN mp.id IS NOT NULL THEN 'parent flow'
        END AS missing
    FROM f
    LEFT JOIN load_batch b ON b.batch_id = f.batch_id
    LEFT JOIN actor sa ON sa.actor_id = f.source_actor_id
    LEFT JOIN actor da ON da.actor_id = f.destination_actor_id
    LEFT JOIN fund fu ON fu.fund_id = f.fund_id
    LEFT JOIN country co ON co.iso3 = f.recipient_country_iso3
    LEFT JOIN source_document sd ON sd.source_document_id = f.source_document_id
    LEFT JOIN missing_parent mp ON mp.id = f.parent_flow_id
)
SELECT flow_id, missing FROM checked WHERE missing IS NOT NULL;
