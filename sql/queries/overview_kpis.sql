-- purpose: the Overview KPI row: each stage group's total (promised and transferred where money
--   enters, allocated and used where it leaves; see flows_enriched.in_group_total), contributors,
--   recipient countries, share of South–South + triangular in transferred money
-- grain: one row per year (year NULL: flows with no year), plus the total row (is_total = 1)
-- params: @filters
-- columns: year, is_total, promised, transferred, allocated, used, contributors, recipient_countries, ss_share, flows, flows_without_rate, sources
WITH f AS (
    SELECT year, stage_group, in_group_total, modality, given_side, received_side,
           source_actor_id, recipient_country_iso3, source_document_id, amount, flows,
           flows_without_amount
    FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR)
    WHERE NOT is_part
),
money AS (
    SELECT year,
           grouping(year) AS is_total,
           sum(amount) FILTER (stage_group = 'promised' AND in_group_total) AS promised,
           sum(amount) FILTER (stage_group = 'transferred' AND in_group_total) AS transferred,
           sum(amount) FILTER (stage_group = 'allocated' AND in_group_total) AS allocated,
           sum(amount) FILTER (stage_group = 'used' AND in_group_total) AS used,
           sum(amount) FILTER (stage_group = 'transferred' AND in_group_total
                               AND modality IN ('south_south', 'triangular'))
             / nullif(sum(amount) FILTER (stage_group = 'transferred' AND in_group_total), 0)
             AS ss_share,
           coalesce(sum(flows), 0)::BIGINT AS flows,
           coalesce(sum(flows_without_amount), 0)::BIGINT AS flows_without_rate
    FROM f
    GROUP BY GROUPING SETS ((year), ())
),
-- distinct counts: first the few distinct (year, key) pairs, then counted per year and overall
contributor_years AS (
    SELECT year, source_actor_id AS k FROM f WHERE given_side AND source_actor_id IS NOT NULL
    GROUP BY ALL
),
country_years AS (
    SELECT year, recipient_country_iso3 AS k FROM f
    WHERE received_side AND recipient_country_iso3 IS NOT NULL
    GROUP BY ALL
),
source_years AS (
    SELECT year, source_document_id AS k FROM f WHERE source_document_id IS NOT NULL
    GROUP BY ALL
),
counted AS (
    SELECT 'contributors' AS what, year, grouping(year) AS is_total, count(DISTINCT k) AS n
    FROM contributor_years GROUP BY GROUPING SETS ((year), ())
    UNION ALL
    SELECT 'countries', year, grouping(year), count(DISTINCT k)
    FROM country_years GROUP BY GROUPING SETS ((year), ())
    UNION ALL
    SELECT 'sources', year, grouping(year), count(DISTINCT k)
    FROM source_years GROUP BY GROUPING SETS ((year), ())
)
SELECT m.year, m.is_total, m.promised, m.transferred, m.allocated, m.used,
       coalesce(any_value(c.n) FILTER (c.what = 'contributors'), 0) AS contributors,
       coalesce(any_value(c.n) FILTER (c.what = 'countries'), 0) AS recipient_countries,
       m.ss_share, m.flows, m.flows_without_rate,
       coalesce(any_value(c.n) FILTER (c.what = 'sources'), 0) AS sources
FROM money AS m
LEFT JOIN counted AS c ON c.is_total = m.is_total AND c.year IS NOT DISTINCT FROM m.year
GROUP BY m.year, m.is_total, m.promised, m.transferred, m.allocated, m.used, m.ss_share,
         m.flows, m.flows_without_rate
ORDER BY m.is_total DESC, m.year NULLS FIRST;
