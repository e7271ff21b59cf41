-- Template rows (view template_raw: _row + the 15 template columns, empty -> NULL) to loader
-- candidates: direct / in / in+out legs (design.md §5). $file: the file name for locators.
-- Fully blank rows are dropped (row numbers keep counting them, so they match the file).
-- Each kept row is read once: joined to leg 0 and, through a fund to a recipient, leg 1 (a CTE
-- used twice would be materialised whole).
WITH kept AS (
    SELECT *, _row AS rn
    FROM template_raw
    WHERE coalesce(date, stage, contributor, contributor_kind, contributor_country, fund,
                   recipient, recipient_kind, recipient_country, modality, instrument, amount,
                   currency, description, source) IS NOT NULL
),
legs AS (
    SELECT kept.*, s.leg_seq,
        CASE WHEN s.leg_seq = 1 THEN 'out' WHEN fund IS NULL THEN 'direct' ELSE 'in' END AS leg
    FROM kept JOIN (VALUES (0), (1)) s(leg_seq)
      ON s.leg_seq = 0 OR (fund IS NOT NULL AND recipient IS NOT NULL)
)
SELECT
    CAST(rn AS BIGINT) AS row_number,
    CAST(leg_seq AS BIGINT) AS leg_seq,
    $file || ':' || rn AS locator,
    stage, leg, modality, instrument,
    contributor, contributor_kind, contributor_country,
    fund, recipient, recipient_kind, recipient_country,
    date AS date_text, amount AS amount_text, currency, description, source
FROM legs;
-- the columns a template never fills (contributor_ref, recipient_ref, recipient_region,
-- recipient_region_vocab, source_locator, the IATI codes, flow_key, flags: NULL; split_share
-- 1.0) are added as Arrow constants by pipelines/sources/template.py
