-- Parse and check every candidate of cand (see pipelines/ingest/validate.py for the rules): temp view
-- cv, one row per candidate with the parsed values, the first failing check (reason_code,
-- column_name, value) and the candidate columns the later steps use. cv is a view: the
-- resolution step reads it once into temp table cres (no per-candidate table is joined back).
-- Dates are parsed once per distinct text (temp cv_date); duplicated template rows are found
-- by a hash of every column of leg 0 (temp cv_dupe keeps only hashes seen more than once).
-- A view takes no $parameters: the separator and vocabularies are session variables.
SET VARIABLE ff_decimal = $decimal;
SET VARIABLE ff_stages = $stages;
SET VARIABLE ff_modalities = $modalities;
SET VARIABLE ff_instruments = $instruments;
SET VARIABLE ff_kinds = $kinds;

CREATE OR REPLACE TEMP TABLE cv_date AS
WITH d AS (
    SELECT date_text, trim(date_text) AS d FROM cand WHERE date_text IS NOT NULL GROUP BY ALL
),
p AS (
    SELECT date_text, d,
        CASE
            WHEN regexp_full_match(d, '\d{4}-\d{1,2}-\d{1,2}') THEN CAST(try_strptime(d, '%Y-%m-%d') AS DATE)
            WHEN regexp_full_match(d, '\d{1,2}/\d{1,2}/\d{4}') THEN CAST(try_strptime(d, '%d/%m/%Y') AS DATE)
        END AS flow_date,
        coalesce(regexp_full_match(d, '\d{4}'), false) AS year_only
    FROM d
)
SELECT *, CASE WHEN year_only THEN TRY_CAST(d AS INTEGER) ELSE year(flow_date) END AS year
FROM p;

CREATE OR REPLACE TEMP TABLE cv_dupe AS
SELECT h, min(row_number) AS first_row
FROM (
    SELECT c.row_number, hash(c.date_text, c.stage, c.contributor, c.contributor_kind,
        c.contributor_country, c.fund, c.recipient, c.recipient_kind, c.recipient_country,
        c.modality, c.instrument, c.amount_text, c.currency, c.description, c.source) AS h
    FROM cand c WHERE $template AND c.leg_seq = 0
)
GROUP BY h HAVING count(*) > 1;

SET VARIABLE ff_dupes = (SELECT count(*) > 0 FROM cv_dupe);

-- text a spreadsheet would read as a formula (prefix tests: no IN list, which DuckDB plans as a join)
CREATE OR REPLACE TEMP MACRO formula_like(t) AS prefix(t, '=') OR prefix(t, '+') OR prefix(t, '-')
    OR prefix(t, '@') OR prefix(t, chr(9)) OR prefix(t, chr(13));

CREATE OR REPLACE TEMP VIEW cv AS
WITH base AS (
    SELECT c.*,
        -- a value already in its vocabulary is kept as it is (no string copies)
        CASE WHEN list_contains(getvariable('ff_stages'), c.stage) THEN c.stage
            ELSE lower(trim(c.stage)) END AS stage_v,
        CASE WHEN regexp_full_match(c.currency, '[A-Z]{3}') THEN c.currency
            ELSE upper(trim(c.currency)) END AS currency_v,
        CASE WHEN c.modality IS NULL OR list_contains(getvariable('ff_modalities'), c.modality)
            THEN c.modality ELSE lower(trim(c.modality)) END AS modality_v,
        CASE WHEN c.instrument IS NULL OR list_contains(getvariable('ff_instruments'), c.instrument)
            THEN c.instrument ELSE lower(trim(c.instrument)) END AS instrument_v,
        CASE WHEN c.contributor_kind IS NULL OR list_contains(getvariable('ff_kinds'), c.contributor_kind)
            THEN c.contributor_kind ELSE lower(trim(c.contributor_kind)) END AS ck,
        CASE WHEN c.recipient_kind IS NULL OR list_contains(getvariable('ff_kinds'), c.recipient_kind)
            THEN c.recipient_kind ELSE lower(trim(c.recipient_kind)) END AS rk,
        -- spaces (also no-break and narrow no-break) group thousands: removed (text of digits,
        -- signs and separators only is kept as it is without the string copies)
        CASE WHEN regexp_full_match(c.amount_text, '[-+0-9.,]*') THEN c.amount_text
            ELSE replace(replace(replace(trim(c.amount_text), ' ', ''), chr(160), ''), chr(8239), '')
        END AS a,
        -- the same hash as cv_dupe, only when the file has duplicates at all
        CASE WHEN getvariable('ff_dupes') AND c.leg_seq = 0 THEN hash(c.date_text, c.stage, c.contributor, c.contributor_kind,
            c.contributor_country, c.fund, c.recipient, c.recipient_kind, c.recipient_country,
            c.modality, c.instrument, c.amount_text, c.currency, c.description, c.source) END AS h
    FROM cand c
),
parsed AS (
    SELECT b.*, d.d, d.flow_date, coalesce(d.year_only, false) AS year_only, d.year,
        u.first_row,
        CASE
            WHEN getvariable('ff_decimal') = 'dot' AND NOT contains(a, ',')
                AND regexp_full_match(a, '[-+]?\d*\.?\d+') THEN a
            WHEN getvariable('ff_decimal') = 'comma' AND NOT contains(a, '.')
                AND regexp_full_match(a, '[-+]?\d*,?\d+') THEN replace(a, ',', '.')
            WHEN regexp_full_match(a, '[-+]?\d+') THEN a
            WHEN getvariable('ff_decimal') = 'dot'
                AND regexp_full_match(a, '[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?')
                THEN replace(a, ',', '')
            WHEN getvariable('ff_decimal') = 'comma'
                AND regexp_full_match(a, '[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?')
                THEN replace(replace(a, '.', ''), ',', '.')
        END AS amount_clean
    FROM base b
    LEFT JOIN cv_date d ON d.date_text = b.date_text
    LEFT JOIN cv_dupe u ON u.h = b.h
),
typed AS (
    SELECT *, TRY_CAST(amount_clean AS DECIMAL(38, 6)) AS amount,
        getvariable('ff_decimal') = '' AND regexp_full_match(a, '[-+]?\d[\d.,]*\d') AS ambiguous
    FROM parsed
),
failed AS (
    SELECT *,
        CASE
            WHEN d IS NULL OR d = '' THEN 'missing_value:date'
            WHEN stage_v IS NULL OR stage_v = '' THEN 'missing_value:stage'
            WHEN contributor IS NULL AND contributor_ref IS NULL THEN 'missing_value:contributor'
            WHEN a IS NULL OR a = '' THEN 'missing_value:amount'
            WHEN currency_v IS NULL OR currency_v = '' THEN 'missing_value:currency'
            WHEN source IS NULL OR source = ''
                OR (regexp_matches(source, '^\p{Zs}') AND trim(source) = '')
                THEN 'missing_value:source'
            WHEN formula_like(contributor)
                THEN 'formula_text:contributor'
            WHEN formula_like(recipient) THEN 'formula_text:recipient'
            WHEN formula_like(fund) THEN 'formula_text:fund'
            WHEN formula_like(source) THEN 'formula_text:source'
            WHEN NOT list_contains(getvariable('ff_stages'), stage_v) THEN 'unknown_stage:stage'
            WHEN year IS NULL OR year NOT BETWEEN 1945 AND 2100 THEN 'bad_date:date'
            WHEN amount IS NULL AND ambiguous THEN 'ambiguous_amount:amount'
            WHEN amount IS NULL THEN 'bad_amount:amount'
            WHEN abs(amount) >= 1e15 THEN 'amount_out_of_range:amount'
            WHEN NOT regexp_full_match(currency_v, '[A-Z]{3}')
                OR currency_v NOT IN (SELECT code FROM known_currency)
                THEN 'unknown_currency:currency'
            WHEN modality_v IS NOT NULL AND NOT list_contains(getvariable('ff_modalities'), modality_v)
                THEN 'unknown_modality:modality'
            WHEN instrument_v IS NOT NULL AND NOT list_contains(getvariable('ff_instruments'), instrument_v)
                THEN 'unknown_instrument:instrument'
            WHEN ck IS NOT NULL AND NOT list_contains(getvariable('ff_kinds'), ck)
                THEN 'unknown_kind:contributor_kind'
            WHEN rk IS NOT NULL AND NOT list_contains(getvariable('ff_kinds'), rk)
                THEN 'unknown_kind:recipient_kind'
            WHEN first_row < row_number THEN 'duplicate_row:row'
        END AS fail
    FROM typed
)
SELECT _cid, row_number, leg_seq, leg, stage_v AS stage, currency_v AS currency, flow_date,
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
    END AS value,
    -- carried for the later steps
    locator, contributor, contributor_ref, recipient, recipient_ref, fund, contributor_country,
    recipient_country, recipient_region, recipient_region_vocab, description, source,
    source_locator, flags, transaction_type, flow_type, finance_type, aid_type, sector,
    iati_activity_id, split_share, flow_key
FROM failed;
