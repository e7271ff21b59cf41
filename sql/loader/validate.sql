-- Parse and check every candidate of temp table cand into temp table cv (see
-- pipelines/validate.py for the rules). fail = 'reason_code:column' of the first failing check.
CREATE OR REPLACE TEMP TABLE cv AS
WITH base AS (
    SELECT _cid, row_number, leg_seq,
        lower(trim(stage)) AS stage_v,
        upper(trim(currency)) AS currency_v,
        trim(date_text) AS d,
        regexp_replace(trim(amount_text), '[\s\x{00a0}\x{202f}]', '', 'g') AS a,
        lower(trim(modality)) AS modality_v,
        lower(trim(instrument)) AS instrument_v,
        lower(trim(contributor_kind)) AS ck,
        lower(trim(recipient_kind)) AS rk,
        CASE WHEN $template AND leg_seq = 0 THEN
            min(row_number) OVER (PARTITION BY leg_seq, hash(date_text, stage, contributor,
                contributor_kind, contributor_country, fund, recipient, recipient_kind,
                recipient_country, modality, instrument, amount_text, currency, description,
                source))
        END AS first_row,
        date_text, stage, contributor, contributor_ref, amount_text, currency, source,
        modality, instrument, contributor_kind, recipient_kind, recipient, fund
    FROM cand
),
parsed AS (
    SELECT *,
        CASE
            WHEN regexp_full_match(d, '\d{4}-\d{1,2}-\d{1,2}') THEN CAST(try_strptime(d, '%Y-%m-%d') AS DATE)
            WHEN regexp_full_match(d, '\d{1,2}/\d{1,2}/\d{4}') THEN CAST(try_strptime(d, '%d/%m/%Y') AS DATE)
        END AS flow_date,
        coalesce(regexp_full_match(d, '\d{4}'), false) AS year_only,
        CASE
            WHEN regexp_full_match(a, '[-+]?\d+') THEN a
            WHEN $decimal = 'dot' AND regexp_full_match(a, '[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?')
                THEN replace(a, ',', '')
            WHEN $decimal = 'comma' AND regexp_full_match(a, '[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?')
                THEN replace(replace(a, '.', ''), ',', '.')
        END AS amount_clean,
        $decimal = '' AND regexp_full_match(a, '[-+]?\d[\d.,]*\d') AS ambiguous
    FROM base
),
typed AS (
    SELECT *,
        TRY_CAST(amount_clean AS DECIMAL(38, 6)) AS amount,
        CASE WHEN year_only THEN TRY_CAST(d AS INTEGER) ELSE year(flow_date) END AS year
    FROM parsed
),
failed AS (
    SELECT *,
        CASE
            WHEN d IS NULL THEN 'missing_value:date'
            WHEN stage_v IS NULL THEN 'missing_value:stage'
            WHEN contributor IS NULL AND contributor_ref IS NULL THEN 'missing_value:contributor'
            WHEN a IS NULL THEN 'missing_value:amount'
            WHEN currency_v IS NULL THEN 'missing_value:currency'
            WHEN source IS NULL THEN 'missing_value:source'
            WHEN regexp_matches(contributor, '^[=+\-@\t\r]') THEN 'formula_text:contributor'
            WHEN regexp_matches(recipient, '^[=+\-@\t\r]') THEN 'formula_text:recipient'
            WHEN regexp_matches(fund, '^[=+\-@\t\r]') THEN 'formula_text:fund'
            WHEN regexp_matches(source, '^[=+\-@\t\r]') THEN 'formula_text:source'
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
