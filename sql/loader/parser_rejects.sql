-- the parser's own rejects (registered frame parser_rejects_frame) as temp parser_rejects
CREATE OR REPLACE TEMP TABLE parser_rejects AS
SELECT CAST(row_number AS BIGINT) AS row_number, CAST(locator AS VARCHAR) AS locator,
    CAST(column_name AS VARCHAR) AS column_name, CAST(value AS VARCHAR) AS value,
    CAST(reason_code AS VARCHAR) AS reason_code, CAST(reason AS VARCHAR) AS reason
FROM parser_rejects_frame;
