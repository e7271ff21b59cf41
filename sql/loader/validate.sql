-- Parse and check every candidate of temp table cand into temp table cv (see
-- pipelines/validate.py for the rules). fail = 'reason_code:column' of the first failing check.
-- Dates and amounts are parsed once per distinct text, then joined back.
CREATE OR REPLACE TEMP TABLE cv AS
WITH dates AS (
    SELECT date_text,
        CASE
            WHEN regexp_full_match(d, '\d{4}-\d{1,2}-\d{1,2}') THEN CAST(try_strptime(d, '%Y-%m-%d') AS DATE)
            WHEN regexp_full_match(d, '\d{1,2}/\d{1,2}/\d{4}') THEN CAST(try_strptime(d, '%d/%m/%Y') AS DATE)
        END AS flow_date,
        coalesce(regexp_full_match(d, '\d{4}'), false) AS year_only,
        d
    FROM (SELECT DISTINCT date_text, trim(date_text) AS d FROM cand WHERE date_text IS NOT NULL)
),
dates_y AS (
    SELECT *, CASE WHEN year_only THEN TRY_CAST(d AS INTEGER) ELSE year(flow_date) END AS year
    FROM dates
),
amounts AS (
    SELECT amount_text, a,
        CASE
            WHEN $decimal = 'dot' AND NOT contains(a, ',') AND regexp_full_match(a, '[-+]?\d*\.?\d+')
                THEN a
            WHEN $decimal = 'comma' AND NOT contains(a, '.') AND regexp_full_match(a, '[-+]?\d*,?\d+')
                THEN replace(a, ',', '.')
            WHEN regexp_full_match(a, '[-+]?\d+') THEN a
            WHEN $decimal = 'dot' AND regexp_full_match(a, '[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?')
                THEN replace(a, ',', '')
            WHEN $decimal = 'comma' AND regexp_full_match(a, '[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?')
                THEN replace(replace(a, '.', ''), ',', '.')
        END AS amount_clean,
        $decimal = '' AND regexp_full_match(a, '[-+]?\d[\d.,]*\d') AS ambiguous
    FROM (
        SELECT DISTINCT amount_text,
            replace(replace(replace(trim(amount_text), ' ', ''), chr(160), ''), chr(8239), '') AS a
        FROM cand WHERE amount_text IS NOT NULL
    )
),
amounts_t AS (SELECT *, TRY_CAST(amount_clean AS DECIMAL(38, 6)) AS amount FROM amounts),
base AS (
    SELECT c._cid, c.row_number, c.leg_seq,
        lower(trim(c.stage)) AS stage_v,
        upper(trim(c.currency)) AS currency_v,
        lower(trim(c.modality)) AS modality_v,
        lower(trim(c.instrument)) AS instrument_v,
        lower(trim(c.contributor_kind)) AS ck,
        lower(trim(c.recipient_kind)) AS rk,
        CASE WHEN $template AND c.leg_seq = 0 THEN hash(c.date_text, c.stage, c.contributor,
            c.contributor_kind, c.contributor_country, c.fund, c.recipient, c.recipient_kind,
            c.recipient_country, c.modality, c.instrument, c.amount_text, c.currency,
            c.description, c.source) END AS h,
        c.date_text, c.stage, c.contributor, c.contributor_ref, c.amount_text, c.currency,
        c.source, c.modality, c.instrument, c.contributor_kind, c.recipient_kind, c.recipient,
        c.fund
    FROM cand c
),
dupes AS (
    SELECT h, min(row_number) AS first_row FROM base
    WHERE h IS NOT NULL GROUP BY h HAVING count(*) > 1
),
typed AS (
    SELECT b.*, d.d, d.flow_date, coalesce(d.year_only, false) AS year_only, d.year,
        a.a, a.amount, a.ambiguous, u.first_row
    FROM base b
    LEFT JOIN dates_y d ON d.date_text = b.date_text
    LEFT JOIN amounts_t a ON a.amount_text = b.amount_text
    LEFT JOIN dupes u ON u.h = b.h
),
failed AS (
    SELECT *,
        CASE
            WHEN d IS NULL OR d = '' THEN 'missing_value:date'
            WHEN stage_v IS NULL OR stage_v = '' THEN 'missing_value:stage'
            WHEN contributor IS NULL AND contributor_ref IS NULL THEN 'missing_value:contributor'
            WHEN a IS NULL OR a = '' THEN 'missing_value:amount'
            WHEN currency_v IS NULL OR currency_v = '' THEN 'missing_value:currency'
            WHEN source IS NULL OR trim(source) = '' THEN 'missing_value:source'
            WHEN left(contributor, 1) IN ('=', '+', '-', '@', chr(9), chr(13))
                THEN 'formula_text:contributor'
            WHEN left(recipient, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN 'formula_text:recipient'
            WHEN left(fund, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN 'formula_text:fund'
            WHEN left(source, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN 'formula_text:source'
            WHEN NOT list_contains($stages, stage_v) THEN 'unknown_stage:stage'
            WHEN year IS NULL OR year NOT BETWEEN 1945 AND 2100 THEN 'bad_date:date'
            WHEN amount IS NULL AND ambiguous THEN 'ambiguous_amount:amount'
            WHEN amount IS NULL THEN 'bad_amount:amount'
            WHEN abs(amount) >= 1e15 THEN 'amount_out_of_range:amount'
            WHEN NOT regexp_full_match(currency_v, '[A-Z]{3}')
                OR currency_v NOT IN (SELECT code FROM known_currency)
                THEN 'unknown_currency:currency'
            WHEN modality_v IS NOT NULL AND NOT list_contains($modalities, modality_v)
                THEN 'unknown_modality:modality'
            WHEN instrument_v IS NOT NULL AND NOT list_contains($instruments, instrument_v)
                THEN 'unknown_instrument:instrument'
            WHEN ck IS NOT NULL AND NOT list_contains($kinds, ck) THEN 'unknown_kind:contributor_kind'
            WHEN rk IS NOT NULL AND NOT list_contains($kinds, rk) THEN 'unknown_kind:recipient_kind'
            WHEN first_row < row_number THEN 'duplicate_row:row'
        END AS fail
    FROM typed
)
SELECT _cid, row_number, leg_seq, stage_v AS stage, currency_v AS currency, flow_date,
    year, year_only, amount, modality_v AS modality, instrument_v AS instrument, ck, rk,
    split_part(fail, ':', 1) AS reason_code,
    split_part(fail, ':', 2) AS column_name,
    CASE split_part(fail, ':', 2)
        WHEN 'date' THEN date_text WHEN 'stage' THEN stage WHEN 'contributor' THEN contributor
        WHEN 'recipient' THEN recipient WHEN 'fund' THEN fund WHEN 'source' THEN source
        WHEN 'amount' THEN amount_text WHEN 'currency' THEN currency
        WHEN 'modality' THEN modality WHEN 'instrument' THEN instrument
        WHEN 'contributor_kind' THEN contributor_kind WHEN 'recipient_kind' THEN recipient_kind
        WHEN 'row' THEN 'same as row ' || first_row
    END AS value
FROM failed;
