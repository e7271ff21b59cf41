-- ids for every candidate: temp table cres (pipelines/resolve.py describes the matching)
CREATE OR REPLACE TEMP TABLE cres AS
SELECT c._cid, c.row_number, c.leg_seq, c.leg,
    coalesce(cr.actor_id, ak_c.target, fk_c.extra) AS contributor_id,
    coalesce(nc.norm, ncr.norm) AS contributor_norm,
    coalesce(c.contributor, c.contributor_ref) AS contributor_raw,
    coalesce(rr.actor_id, ak_r.target, fk_r.extra) AS recipient_id,
    coalesce(nr.norm, nrr.norm) AS recipient_norm,
    coalesce(c.recipient, c.recipient_ref) AS recipient_raw,
    fk.target AS fund_id, fk.extra AS fund_actor_id,
    cc.target AS contributor_iso3, rc.target AS recipient_iso3,
    c.contributor_ref, c.recipient_ref,
    c.fund IS NOT NULL AND fk.target IS NULL AS bad_fund,
    c.contributor_country IS NOT NULL AND cc.target IS NULL AS bad_ccountry,
    c.recipient_country IS NOT NULL AND rc.target IS NULL AS bad_rcountry,
    c.contributor_country, c.recipient_country, c.fund
FROM cand c
LEFT JOIN actor_ref cr ON cr.ref = trim(c.contributor_ref)
LEFT JOIN actor_ref rr ON rr.ref = trim(c.recipient_ref)
LEFT JOIN name_norm nc ON nc.raw = c.contributor
LEFT JOIN name_norm ncr ON ncr.raw = c.contributor_ref
LEFT JOIN name_norm nr ON nr.raw = c.recipient
LEFT JOIN name_norm nrr ON nrr.raw = c.recipient_ref
LEFT JOIN actor_key ak_c ON ak_c.key = nc.norm
LEFT JOIN fund_key fk_c ON fk_c.key = nc.norm
LEFT JOIN actor_key ak_r ON ak_r.key = nr.norm
LEFT JOIN fund_key fk_r ON fk_r.key = nr.norm
LEFT JOIN name_norm nf ON nf.raw = c.fund
LEFT JOIN fund_key fk ON fk.key = nf.norm
LEFT JOIN name_norm ncc ON ncc.raw = c.contributor_country
LEFT JOIN country_key cc ON cc.key = ncc.norm
LEFT JOIN name_norm nrc ON nrc.raw = c.recipient_country
LEFT JOIN country_key rc ON rc.key = nrc.norm;
