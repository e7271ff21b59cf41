-- flows pointing at a batch, actor, fund, country, document or parent flow that is missing.
-- $batches: as in flow_money.sql (the referenced tables are always read whole)
WITH f AS NOT MATERIALIZED (
    SELECT * FROM flow WHERE $batches IS NULL OR list_contains($batches, batch_id)
)
SELECT f.flow_id, 'batch' AS missing FROM f
WHERE f.batch_id NOT IN (SELECT batch_id FROM load_batch)
UNION ALL
SELECT f.flow_id, 'source actor' FROM f
WHERE f.source_actor_id IS NOT NULL AND f.source_actor_id NOT IN (SELECT actor_id FROM actor)
UNION ALL
SELECT f.flow_id, 'destination actor' FROM f
WHERE f.destination_actor_id IS NOT NULL
  AND f.destination_actor_id NOT IN (SELECT actor_id FROM actor)
UNION ALL
SELECT f.flow_id, 'fund' FROM f
WHERE f.fund_id IS NOT NULL AND f.fund_id NOT IN (SELECT fund_id FROM fund)
UNION ALL
SELECT f.flow_id, 'recipient country' FROM f
WHERE f.recipient_country_iso3 IS NOT NULL
  AND f.recipient_country_iso3 NOT IN (SELECT iso3 FROM country)
UNION ALL
SELECT f.flow_id, 'source document' FROM f
WHERE f.source_document_id IS NOT NULL
  AND f.source_document_id NOT IN (SELECT source_document_id FROM source_document)
UNION ALL
SELECT f.flow_id, 'parent flow' FROM f
WHERE f.parent_flow_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM flow p WHERE p.flow_id = f.parent_flow_id);
