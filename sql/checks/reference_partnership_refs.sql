-- partnerships and fund events pointing to unknown actors, cities, funds or source documents
SELECT 'partnership' AS tbl, partnership_id AS id FROM partnership p
WHERE source_actor_id NOT IN (SELECT actor_id FROM actor)
   OR (destination_actor_id IS NOT NULL AND destination_actor_id NOT IN (SELECT actor_id FROM actor))
   OR (source_city_id IS NOT NULL AND source_city_id NOT IN (SELECT city_id FROM city))
   OR (destination_city_id IS NOT NULL AND destination_city_id NOT IN (SELECT city_id FROM city))
   OR source_document_id NOT IN (SELECT source_document_id FROM source_document)
UNION ALL
SELECT 'fund_event', fund_id || ':' || kind || ':' || year FROM fund_event
WHERE fund_id NOT IN (SELECT fund_id FROM fund)
   OR source_document_id NOT IN (SELECT source_document_id FROM source_document);
