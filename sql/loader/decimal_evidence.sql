-- evidence for a decimal point vs a decimal comma among the distinct amounts of cand
WITH a AS (
    SELECT DISTINCT regexp_replace(trim(amount_text), '[\s\x{00a0}\x{202f}]', '', 'g') AS s
    FROM cand WHERE amount_text IS NOT NULL
),
b AS (SELECT regexp_replace(s, '^[-+]', '') AS s FROM a)
SELECT
    count(*) FILTER (
        (regexp_full_match(s, '\d+\.\d+') AND NOT regexp_full_match(s, '[1-9]\d{0,2}\.\d{3}'))
        OR regexp_full_match(s, '\d{1,3}(,\d{3})+\.\d+')
        OR regexp_full_match(s, '\d{1,3}(,\d{3}){2,}')
    ) AS dot,
    count(*) FILTER (
        (regexp_full_match(s, '\d+,\d+') AND NOT regexp_full_match(s, '[1-9]\d{0,2},\d{3}'))
        OR regexp_full_match(s, '\d{1,3}(\.\d{3})+,\d+')
        OR regexp_full_match(s, '\d{1,3}(\.\d{3}){2,}')
    ) AS comma
FROM b;
