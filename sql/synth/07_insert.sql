-- synth step 7: the flow rows. In US dollars first, then in the row's currency at its rate:
-- amount_original = round(usd / rate, 2), amount_usd = round(amount_original * rate, 2). A paid
-- row keeps within its promise in both its currency and US dollars (the fulfilment share is
-- capped by the ratio of the two rates), and a unit's rows share one currency.
INSERT INTO flow (flow_id, dataset, batch_id, stage, leg, modality, instrument, source_actor_id,
                  destination_actor_id, fund_id, recipient_country_iso3, recipient_region,
                  recipient_region_vocab, recipient_city_id, flow_date, year, amount_original,
                  currency, fx_rate, fx_date, fx_source, amount_usd, flags, description,
                  source_document_id, source_locator, is_illustrative, parent_flow_id)
WITH pair_money AS (
    SELECT p.*, CAST(q.paid_raw AS DOUBLE) * coalesce(sc.factor, 1.0) AS paid_usd, fu.actor_id AS fund_actor,
           coalesce(x.cur, 'USD') AS cur, coalesce(x.x0, 1.0) AS x0,
           coalesce(x.x1, x.x0, 1.0) AS x1, x.rd0, x.rd1, x.s0 AS src0, x.s1 AS src1,
           coalesce(x.annual, false) AS annual
    FROM synth_pair p
    JOIN synth_paid q ON q.k = p.k
    LEFT JOIN synth_scale sc ON sc.fund_id = p.fund_id
    LEFT JOIN fund fu ON fu.fund_id = p.fund_id
    LEFT JOIN synth_fx_pair x ON x.k = p.k
),
pair_amounts AS (
    SELECT *, round(paid_usd / x1, 2) AS paid_orig,
           CASE WHEN cur = 'USD' THEN fulfilment ELSE least(fulfilment, 0.999 * x0 / x1) END AS g
    FROM pair_money
),
pair_rows AS (
    SELECT a.k + r.r AS i, a.fund_id, a.leg, a.modality, a.instrument, a.src_actor AS src,
           CASE WHEN a.leg = 'in' THEN a.fund_actor ELSE a.dst_actor END AS dst,
           CASE WHEN a.leg = 'in' THEN NULL ELSE a.dst_country END AS country,
           CASE WHEN a.leg = 'in' THEN NULL ELSE a.dst_city END AS city,
           CASE r.r WHEN 0 THEN a.promise ELSE 'paid' END AS stage,
           CASE r.r WHEN 0 THEN a.d0 ELSE a.d1 END AS flow_date, a.year, a.cur,
           CASE r.r WHEN 0 THEN round(a.paid_orig / a.g, 2) ELSE a.paid_orig END AS orig,
           CASE r.r WHEN 0 THEN a.x0 ELSE a.x1 END AS rate,
           CASE WHEN a.cur = 'USD' THEN NULL WHEN r.r = 0 THEN a.rd0 ELSE a.rd1 END AS rate_date,
           CASE WHEN a.cur = 'USD' THEN 'US dollar' WHEN r.r = 0 THEN a.src0 ELSE a.src1 END AS fx_source,
           a.annual,
           CAST(NULL AS BIGINT) AS parent_i
    FROM pair_amounts a CROSS JOIN (VALUES (0), (1)) r(r)
    WHERE r.r < a.rows_left
),
outs AS (
    SELECT o.*, coalesce(sc.factor, 1.0) AS factor, fu.actor_id AS fund_actor,
           x.cur IS NOT NULL AS foreign_ok, coalesce(x.cur, 'USD') AS cur,
           x.x0 AS rate0, x.x1 AS rate1, x.x2 AS rate2, x.rd0, x.rd1, x.rd2,
           x.s0 AS src0, x.s1 AS src1, x.s2 AS src2, coalesce(x.annual, false) AS annual
    FROM synth_out o
    LEFT JOIN synth_scale sc ON sc.fund_id = o.fund_id
    LEFT JOIN fund fu ON fu.fund_id = o.fund_id
    LEFT JOIN synth_fx_out x ON x.k = o.k
),
out_rows AS (
    SELECT o.k + r.r AS i, o.fund_id, 'out' AS leg, o.modality, o.instrument, o.fund_actor AS src,
           o.dst_actor AS dst, o.dst_country AS country, o.dst_city AS city,
           CASE r.r WHEN 0 THEN 'allocation' WHEN 1 THEN 'disbursement' ELSE 'expenditure' END AS stage,
           CASE r.r WHEN 0 THEN o.d0 WHEN 1 THEN o.d1 ELSE o.d2 END AS flow_date,
           CASE r.r WHEN 0 THEN o.year WHEN 1 THEN o.disb_year ELSE o.exp_year END AS year,
           o.cur,
           CAST(o.alloc_raw AS DOUBLE) * o.factor * CASE r.r WHEN 0 THEN 1.0 WHEN 1 THEN o.disb_share
                                         ELSE o.disb_share * o.exp_share END AS usd,
           CASE WHEN NOT o.foreign_ok THEN 1.0 WHEN r.r = 0 THEN o.rate0
                WHEN r.r = 1 THEN o.rate1 ELSE o.rate2 END AS rate,
           CASE WHEN NOT o.foreign_ok THEN NULL WHEN r.r = 0 THEN o.rd0
                WHEN r.r = 1 THEN o.rd1 ELSE o.rd2 END AS rate_date,
           CASE WHEN NOT o.foreign_ok THEN 'US dollar' WHEN r.r = 0 THEN o.src0
                WHEN r.r = 1 THEN o.src1 ELSE o.src2 END AS fx_source,
           o.annual,
           o.parent_k + 1 AS parent_i
    FROM outs o CROSS JOIN (VALUES (0), (1), (2)) r(r)
),
all_rows AS (
    SELECT i, fund_id, leg, modality, instrument, src, dst, country, city, stage, flow_date, year,
           cur, orig, rate, rate_date, fx_source, annual, parent_i FROM pair_rows
    UNION ALL
    SELECT i, fund_id, leg, modality, instrument, src, dst, country, city, stage, flow_date, year,
           cur, round(usd / rate, 2), rate, rate_date, fx_source, annual, parent_i FROM out_rows
)
SELECT p.dataset || '-' || a.i, p.dataset, p.batch_id, a.stage, a.leg, a.modality, a.instrument,
       a.src, a.dst, a.fund_id, a.country, c.region_name,
       CASE WHEN c.region_name IS NOT NULL THEN 'm49' END, a.city, a.flow_date, a.year,
       CAST(a.orig AS DECIMAL(38, 6)), a.cur, a.rate,
       CASE WHEN a.cur = 'USD' THEN a.flow_date ELSE a.rate_date END, a.fx_source,
       CAST(round(a.orig * a.rate, 2) AS DECIMAL(18, 2)),
       CASE WHEN a.flow_date IS NOT NULL THEN ['illustrative']
            WHEN a.annual THEN ['illustrative', 'year_only_date', 'fx_annual_average']
            ELSE ['illustrative', 'year_only_date'] END,
       'Illustrative ' || a.stage || ' - '
           || coalesce(a.fund_id, replace(a.modality, '_', ' ')),
       'synth-generator', 'synth:seed=' || p.seed || ':row=' || a.i, true,
       CASE WHEN a.parent_i IS NOT NULL THEN p.dataset || '-' || a.parent_i END
FROM all_rows a CROSS JOIN synth_params p LEFT JOIN country c ON c.iso3 = a.country;

INSERT INTO load_batch (batch_id, dataset, file_name, sha256, format, loaded_at, loaded_by,
                        rows_read, rows_loaded, rows_rejected, is_bundled)
SELECT batch_id, dataset, 'synth:rows=' || n || ':seed=' || seed,
       sha256('synth:rows=' || n || ':seed=' || seed || ':dataset=' || dataset), 'synth',
       CAST(current_timestamp AS TIMESTAMP), 'fundflows synth', n, n, 0, dataset = 'demo'
FROM synth_params;
