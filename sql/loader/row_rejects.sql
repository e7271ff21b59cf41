-- one reject per rejected row (temp row_reject): the parser's rejects, then the first failure
-- of each other row, validation before resolution, earlier leg first. A row is loaded or
-- rejected as a whole.
CREATE OR REPLACE TEMP TABLE row_reject AS
WITH f AS (
    SELECT row_number, leg_seq, locator, 0 AS pri, reason_code, column_name, value
    FROM cres WHERE reason_code IS NOT NULL
    UNION ALL
    SELECT row_number, leg_seq, locator, 1 AS pri, reason_code, column_name, value FROM rfail
),
firsts AS (
    SELECT f.row_number, f.locator, f.column_name, f.value, f.reason_code, t.reason
    FROM f
    LEFT JOIN reason_text t ON t.code = f.reason_code
    QUALIFY row_number() OVER (PARTITION BY f.row_number ORDER BY f.pri, f.leg_seq) = 1
)
SELECT CAST(row_number AS BIGINT) AS row_number, CAST(locator AS VARCHAR) AS locator,
    CAST(column_name AS VARCHAR) AS column_name, CAST(value AS VARCHAR) AS value,
    CAST(reason_code AS VARCHAR) AS reason_code, CAST(reason AS VARCHAR) AS reason
FROM parser_rejects
UNION ALL
SELECT * FROM firsts WHERE row_number NOT IN (SELECT row_number FROM parser_rejects);
