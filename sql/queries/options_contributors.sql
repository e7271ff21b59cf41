-- purpose: filter choices: actors that are the source of at least one flow
-- grain: actor
-- params: none
-- columns: actor_id, name, kind
SELECT a.actor_id, a.name, a.kind
FROM actor AS a
WHERE EXISTS (SELECT 1 FROM flow_cube AS c WHERE c.source_actor_id = a.actor_id)
ORDER BY a.name;
