-- source strings of the accepted rows -> source_document ids (temp src_map); a string no
-- document has as id, symbol, URL or title gets a new document of this batch. $batch.
CREATE OR REPLACE TEMP TABLE src_map AS
WITH s AS (
    SELECT DISTINCT trim(c.source) AS source FROM cres c
    ANTI JOIN row_reject r ON r.row_number = c.row_number
    WHERE c.source IS NOT NULL
),
m AS (
    SELECT s.source,
        (SELECT min(d.source_document_id) FROM source_document d
         WHERE lower(d.source_document_id) = lower(s.source) OR lower(d.symbol) = lower(s.source)
            OR lower(d.url) = lower(s.source) OR lower(d.title) = lower(s.source)) AS existing
    FROM s
)
SELECT source,
    coalesce(existing, 'src_' || substr(md5($batch || ':' || source), 1, 16)) AS source_document_id,
    existing IS NULL AS is_new
FROM m;
