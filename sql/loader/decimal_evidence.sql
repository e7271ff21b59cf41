-- evidence for a decimal point vs a decimal comma among the distinct amounts of cand
-- (string tests only: one separator followed by other than 3 digits, a leading 0, both
-- separators, or the same separator twice)
WITH a AS (
    -- an unsigned text of digits and separators is kept as it is (no string copies)
    SELECT DISTINCT CASE WHEN regexp_full_match(amount_text, '[0-9][0-9.,]*') THEN amount_text
        ELSE ltrim(replace(replace(replace(trim(amount_text), ' ', ''), chr(160), ''),
            chr(8239), ''), '-+') END AS s
    FROM cand WHERE amount_text IS NOT NULL AND (contains(amount_text, '.') OR contains(amount_text, ','))
),
b AS (
    SELECT s,
        length(s) - length(replace(s, '.', '')) AS dots,
        length(s) - length(replace(s, ',', '')) AS commas,
        length(s) - strpos(s, '.') AS after_dot,
        length(s) - strpos(s, ',') AS after_comma,
        strpos(reverse(s), '.') AS last_dot,
        strpos(reverse(s), ',') AS last_comma
    FROM a
)
SELECT
    count(*) FILTER (
        (dots = 1 AND commas = 0 AND (after_dot <> 3 OR s LIKE '0.%'))
        OR (dots >= 1 AND commas >= 1 AND last_dot < last_comma)
        OR (commas >= 2 AND dots = 0)
    ) AS dot,
    count(*) FILTER (
        (commas = 1 AND dots = 0 AND (after_comma <> 3 OR s LIKE '0,%'))
        OR (dots >= 1 AND commas >= 1 AND last_comma < last_dot)
        OR (dots >= 2 AND commas = 0)
    ) AS comma
FROM b;
