-- funds without their actor (kind 'fund'), or with an unknown source document
SELECT f.fund_id, f.actor_id, t.kind
FROM fund f
LEFT JOIN actor t ON t.actor_id = f.actor_id
WHERE t.actor_id IS NULL
   OR t.kind <> 'fund'
   OR (f.source_document_id IS NOT NULL
       AND f.source_document_id NOT IN (SELECT source_document_id FROM source_document));
