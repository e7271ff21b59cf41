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
    CAST(NULL AS VARCHAR) AS contributor_ref,
    fund, recipient, recipient_kind, recipient_country,
    CAST(NULL AS VARCHAR) AS recipient_ref,
    CAST(NULL AS VARCHAR) AS recipient_region,
    CAST(NULL AS VARCHAR) AS recipient_region_vocab,
    date AS date_text, amount AS amount_text, currency, description, source,
    CAST(NULL AS VARCHAR) AS source_locator,  -- the loader uses the locator
    CAST(NULL AS VARCHAR) AS transaction_type,
    CAST(NULL AS VARCHAR) AS flow_type,
    CAST(NULL AS VARCHAR) AS finance_type,
    CAST(NULL AS VARCHAR) AS aid_type,
    CAST(NULL AS VARCHAR) AS sector,
    CAST(NULL AS VARCHAR) AS iati_activity_id,
    1.0::DOUBLE AS split_share,
    CAST(NULL AS VARCHAR) AS flow_key,
    CAST(NULL AS VARCHAR[]) AS flags
FROM legs;
