-- resolution failures per candidate (temp rfail: reason_code, column_name, value), checked
-- after the validation failures of cv. An IATI recipient country that resolves to nothing is
-- descriptive: the row is kept (ff_keep_unknown_codes, set by resolve.sql; flagged in stage.sql)
CREATE OR REPLACE TEMP TABLE rfail AS
WITH f AS (
    SELECT r.*,
        CASE
            WHEN r.bad_ccountry THEN 'unknown_country:contributor_country'
            WHEN r.bad_rcountry AND NOT getvariable('ff_keep_unknown_codes')
                THEN 'unknown_country:recipient_country'
            WHEN r.bad_fund THEN 'unknown_fund:fund'
            WHEN nc.actor_id IS NOT NULL AND nc.kind IS NULL THEN 'missing_kind:contributor_kind'
            WHEN nr.actor_id IS NOT NULL AND nr.kind IS NULL THEN 'missing_kind:recipient_kind'
            WHEN r.leg = 'in' AND NOT coalesce(l.has_out, false)
                AND r.fund_actor_id = r.contributor_id
                THEN 'fund_to_itself:fund'
        END AS fail
    FROM cres r
    LEFT JOIN leg_rows l ON r.leg = 'in' AND l.row_number = r.row_number
    LEFT JOIN new_actor nc ON nc.actor_id = r.contributor_id
    LEFT JOIN new_actor nr ON nr.actor_id = r.recipient_id
)
SELECT _cid, row_number, leg_seq, locator,
    split_part(fail, ':', 1) AS reason_code,
    split_part(fail, ':', 2) AS column_name,
    CASE split_part(fail, ':', 2)
        WHEN 'contributor_country' THEN contributor_country
        WHEN 'recipient_country' THEN recipient_country
        WHEN 'fund' THEN fund
        WHEN 'contributor_kind' THEN contributor_raw
        WHEN 'recipient_kind' THEN recipient_raw
    END AS value
FROM f
WHERE fail IS NOT NULL;
