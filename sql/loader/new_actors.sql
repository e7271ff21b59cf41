-- actors no reference row matched, from candidates that passed validation: temp new_actor
-- (first kind and country the file gives for the name; kind NULL -> rows rejected later)
CREATE OR REPLACE TEMP TABLE new_actor AS
WITH named AS (
    SELECT contributor_norm AS norm, contributor_raw AS raw, ck AS kind,
           contributor_iso3 AS iso3, contributor_ref AS ref, row_number
    FROM cres
    WHERE contributor_id IS NULL AND contributor_norm IS NOT NULL AND reason_code IS NULL
    UNION ALL
    SELECT recipient_norm, recipient_raw, rk, recipient_iso3, recipient_ref, row_number
    FROM cres
    WHERE recipient_id IS NULL AND recipient_norm IS NOT NULL AND reason_code IS NULL
)
SELECT norm,
    'a_' || substr(md5($batch || ':' || norm), 1, 16) AS actor_id,
    arg_min(raw, row_number) AS name,
    arg_min(kind, row_number) FILTER (WHERE kind IS NOT NULL) AS kind,
    arg_min(iso3, row_number) FILTER (WHERE iso3 IS NOT NULL) AS country_iso3,
    arg_min(ref, row_number) FILTER (WHERE ref IS NOT NULL) AS iati_org_ref
FROM named
GROUP BY norm;

UPDATE cres SET contributor_id = n.actor_id
FROM new_actor n WHERE cres.contributor_id IS NULL AND n.norm = cres.contributor_norm;

UPDATE cres SET recipient_id = n.actor_id
FROM new_actor n WHERE cres.recipient_id IS NULL AND n.norm = cres.recipient_norm;
