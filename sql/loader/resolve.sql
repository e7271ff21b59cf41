-- ids for every candidate: temp table cres (pipelines/ingest/resolve.py describes the matching).
-- Each distinct raw name is looked up once (temp nm), then joined back per column.
-- $keep_unknown_codes (IATI files): a recipient country that resolves to nothing keeps the row
-- (flag unknown_country, sql/loader/stage.sql) instead of rejecting it (resolve_checks.sql).
SET VARIABLE ff_keep_unknown_codes = $keep_unknown_codes;

CREATE OR REPLACE TEMP TABLE nm AS
SELECT n.raw, n.norm,
    coalesce(ak.target, fk.extra) AS actor_id,
    fk.target AS fund_id, fk.extra AS fund_actor_id,
    ck.target AS iso3,
    ar.actor_id AS ref_actor_id
FROM name_norm n
LEFT JOIN actor_key ak ON ak.key = n.norm
LEFT JOIN fund_key fk ON fk.key = n.norm
LEFT JOIN country_key ck ON ck.key = n.norm
LEFT JOIN actor_ref ar ON ar.ref = trim(n.raw);

-- cres: every column of the validation view cv plus the ids (the one per-candidate table).
CREATE OR REPLACE TEMP TABLE cres AS
SELECT c.*,
    coalesce(ncr.ref_actor_id, nc.actor_id) AS contributor_id,
    coalesce(nc.norm, ncr.norm) AS contributor_norm,
    coalesce(c.contributor, c.contributor_ref) AS contributor_raw,
    coalesce(nrr.ref_actor_id, nr.actor_id) AS recipient_id,
    coalesce(nr.norm, nrr.norm) AS recipient_norm,
    coalesce(c.recipient, c.recipient_ref) AS recipient_raw,
    nf.fund_id, nf.fund_actor_id,
    ncc.iso3 AS contributor_iso3, nrc.iso3 AS recipient_iso3,
    c.fund IS NOT NULL AND nf.fund_id IS NULL AS bad_fund,
    c.contributor_country IS NOT NULL AND ncc.iso3 IS NULL AS bad_ccountry,
    c.recipient_country IS NOT NULL AND nrc.iso3 IS NULL AS bad_rcountry
FROM cv c
LEFT JOIN nm nc ON nc.raw = c.contributor
LEFT JOIN nm ncr ON ncr.raw = c.contributor_ref
LEFT JOIN nm nr ON nr.raw = c.recipient
LEFT JOIN nm nrr ON nrr.raw = c.recipient_ref
LEFT JOIN nm nf ON nf.raw = c.fund
LEFT JOIN nm ncc ON ncc.raw = c.contributor_country
LEFT JOIN nm nrc ON nrc.raw = c.recipient_country;

-- the rows with an in- or out-leg (rows through a fund): which legs they have
CREATE OR REPLACE TEMP TABLE leg_rows AS
SELECT row_number, bool_or(leg = 'out') AS has_out, bool_or(leg = 'in') AS has_in
FROM cres WHERE leg IN ('in', 'out') GROUP BY row_number;
