-- actor_alias rows pointing to an actor that does not exist
SELECT a.alias_norm, a.actor_id
FROM actor_alias a
LEFT JOIN actor t ON t.actor_id = a.actor_id
WHERE t.actor_id IS NULL;
