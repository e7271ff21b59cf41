-- remove one batch ($batch) and what it created that nothing else uses
-- (recorded for pipelines/store/warehouse.py: a publication that deletes is checked whole)
CREATE TEMP TABLE IF NOT EXISTS publication_write (batch_id VARCHAR, op VARCHAR);
INSERT INTO publication_write VALUES ($batch, 'delete');
DELETE FROM flow WHERE batch_id = $batch;
DELETE FROM fund_statistic WHERE batch_id = $batch;
DELETE FROM rejected_row WHERE batch_id = $batch;
DELETE FROM fx_rate_table WHERE batch_id = $batch;
DELETE FROM load_batch WHERE batch_id = $batch;
CREATE OR REPLACE TEMP TABLE used_actor AS
SELECT source_actor_id AS actor_id FROM flow WHERE source_actor_id IS NOT NULL
UNION SELECT destination_actor_id FROM flow WHERE destination_actor_id IS NOT NULL
UNION SELECT actor_id FROM fund_statistic WHERE actor_id IS NOT NULL
UNION SELECT source_actor_id FROM partnership
UNION SELECT destination_actor_id FROM partnership WHERE destination_actor_id IS NOT NULL
UNION SELECT actor_id FROM fund;
DELETE FROM actor_alias WHERE origin = $batch
    AND actor_id NOT IN (SELECT actor_id FROM used_actor);
DELETE FROM actor WHERE origin = $batch AND actor_id NOT IN (SELECT actor_id FROM used_actor);
DELETE FROM source_document WHERE batch_id = $batch
    AND source_document_id NOT IN (
        SELECT source_document_id FROM flow WHERE source_document_id IS NOT NULL
        UNION SELECT source_document_id FROM fund_statistic WHERE source_document_id IS NOT NULL);
