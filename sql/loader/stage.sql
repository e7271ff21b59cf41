-- accepted candidates as flow rows (temp view staged over cres, computed once by the flow
-- insert).
-- The in-leg of a row whose contributor is the fund itself is dropped (the row is an out-leg).
-- IATI rows (ff_keep_unknown_codes) whose descriptive codes resolve to nothing are kept and
-- flagged: unknown_country (recipient country code not in `country`: no recipient country, so
-- region not reported; the recipient actor's country is not guessed instead), unknown_region
-- (an OECD DAC or M49 region code not in `region` / M49), unknown_sector (a DAC sector code
-- not in the IATI Sector list, neither a 5-digit code nor a 3-digit category), unknown_org (an
-- organisation given only by a reference that matches no known actor: created for review).
CREATE OR REPLACE TEMP VIEW staged AS
WITH kept AS (
    SELECT r.*, coalesce(l.has_out, false) AS has_out,
        coalesce(l.has_in, false)
            AND NOT (coalesce(l.has_out, false) AND coalesce(r.contributor_id = r.fund_actor_id, false))
            AS has_in
    FROM cres r
    LEFT JOIN leg_rows l ON l.row_number = r.row_number
    ANTI JOIN row_reject rj ON rj.row_number = r.row_number
    WHERE NOT (r.leg = 'in' AND coalesce(l.has_out, false)
               AND coalesce(r.contributor_id = r.fund_actor_id, false))
),
actors AS (
    SELECT actor_id, kind, country_iso3 FROM actor
    WHERE actor_id NOT IN (SELECT actor_id FROM new_actor)
    UNION ALL SELECT actor_id, kind, country_iso3 FROM new_actor
),
ends AS (
    SELECT k.*,
        ca.kind AS c_kind, ra.kind AS r_kind,
        coalesce(ca.country_iso3, k.contributor_iso3) AS c_iso3,
        CASE WHEN NOT k.bad_rcountry THEN coalesce(k.recipient_iso3, ra.country_iso3) END
            AS r_iso3,
        CASE WHEN getvariable('ff_keep_unknown_codes') THEN list_filter([
            CASE WHEN k.bad_rcountry THEN 'unknown_country' END,
            CASE WHEN k.recipient_region IS NOT NULL
                AND k.recipient_region_vocab IN ('oecd_dac', 'm49')
                AND NOT EXISTS (SELECT 1 FROM region g WHERE g.vocabulary = k.recipient_region_vocab
                                AND g.code = k.recipient_region)
                AND NOT (k.recipient_region_vocab = 'm49' AND EXISTS (
                    SELECT 1 FROM m49_area a WHERE a.code = lpad(coalesce(
                        try_cast(k.recipient_region AS INTEGER)::VARCHAR, k.recipient_region), 3, '0')))
                THEN 'unknown_region' END,
            CASE WHEN k.sector IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM codelist s WHERE s.list_name = 'Sector'
                    AND (s.code = k.sector OR s.category = k.sector))
                THEN 'unknown_sector' END,
            CASE WHEN (k.contributor IS NULL AND k.contributor_ref IS NOT NULL
                       AND k.contributor_id IN (SELECT actor_id FROM new_actor))
                OR (k.recipient IS NULL AND k.recipient_ref IS NOT NULL
                    AND k.recipient_id IN (SELECT actor_id FROM new_actor))
                THEN 'unknown_org' END
        ], lambda f: f IS NOT NULL) END AS code_flags
    FROM kept k
    LEFT JOIN actors ca ON ca.actor_id = k.contributor_id
    LEFT JOIN actors ra ON ra.actor_id = k.recipient_id
),
flagged AS (
    SELECT e.*,
        cc.is_g77 AS c_g77, cc.is_dac_member AS c_dac,
        rc.is_g77 AS r_g77, rc.is_dac_member AS r_dac,
        e.fund_id IS NOT NULL AS has_fund,
        e.fund_id IS NOT NULL AND e.recipient_id IS NULL AND e.recipient_iso3 IS NULL AS ends_in_fund
    FROM ends e
    LEFT JOIN country cc ON cc.iso3 = e.c_iso3
    LEFT JOIN country rc ON rc.iso3 = e.r_iso3
)
SELECT
    _cid,
    stage, leg,
    coalesce(modality, CASE
        WHEN c_kind = 'multilateral' THEN 'multilateral'
        WHEN c_kind IN ('company', 'foundation', 'individual')
             AND r_kind IN ('local_government', 'city_network', 'community') THEN 'local_private'
        WHEN c_kind IN ('local_government', 'city_network')
             AND r_kind IN ('local_government', 'city_network') THEN 'city_to_city'
        WHEN c_dac AND has_fund AND (r_g77 OR ends_in_fund) THEN 'triangular'
        WHEN c_g77 AND (r_g77 OR ends_in_fund) THEN 'south_south'
        WHEN c_dac AND r_iso3 IS NOT NULL AND NOT coalesce(r_dac, false) THEN 'north_south'
        WHEN c_kind = 'fund' AND r_g77 THEN 'south_south'
    END) AS modality,
    instrument,
    CASE WHEN leg = 'out' THEN coalesce(fund_actor_id, contributor_id) ELSE contributor_id END
        AS source_actor_id,
    CASE WHEN leg = 'in' THEN coalesce(fund_actor_id, recipient_id) ELSE recipient_id END
        AS destination_actor_id,
    fund_id,
    CASE WHEN leg = 'in' AND has_out THEN NULL ELSE r_iso3 END AS recipient_country_iso3,
    recipient_region, recipient_region_vocab,
    flow_date, year, year_only,
    amount AS amount_original,  -- a split candidate carries its own share of the amount
    currency,
    description, source, coalesce(source_locator, locator) AS source_locator,
    leg = 'out' AND has_in AND has_out AS has_parent,  -- the in-leg (leg_seq 0) of the row
    transaction_type, flow_type, finance_type, aid_type, sector, iati_activity_id, split_share,
    row_number, leg_seq, flow_key,
    CASE WHEN len(code_flags) > 0 THEN list_concat(coalesce(flags, CAST([] AS VARCHAR[])), code_flags)
        ELSE flags END AS parser_flags
FROM flagged;
