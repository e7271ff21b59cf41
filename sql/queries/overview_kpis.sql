-- purpose: the Overview KPI row: each stage group's total (promised and transferred where money
--   enters, allocated and used where it leaves; see flows_enriched.in_group_total), contributors,
--   recipient countries, share of South–South + triangular in transferred money
-- grain: one row per year (year NULL: flows with no year), plus the total row (is_total = 1)
-- params: @filters
-- columns: year, is_total, promised, transferred, allocated, used, contributors, recipient_countries, ss_share, flows, flows_without_rate, sources
SELECT year,
       grouping(year) AS is_total,
       sum(amount) FILTER (stage_group = 'promised' AND in_group_total) AS promised,
       sum(amount) FILTER (stage_group = 'transferred' AND in_group_total) AS transferred,
       sum(amount) FILTER (stage_group = 'allocated' AND in_group_total) AS allocated,
       sum(amount) FILTER (stage_group = 'used' AND in_group_total) AS used,
       count(DISTINCT source_actor_id) FILTER (given_side) AS contributors,
       count(DISTINCT recipient_country_iso3) FILTER (received_side) AS recipient_countries,
       sum(amount) FILTER (stage_group = 'transferred' AND in_group_total
                           AND modality IN ('south_south', 'triangular'))
         / nullif(sum(amount) FILTER (stage_group = 'transferred' AND in_group_total), 0) AS ss_share,
       coalesce(sum(flows), 0)::BIGINT AS flows,
       coalesce(sum(flows_without_amount), 0)::BIGINT AS flows_without_rate,
       count(DISTINCT source_document_id) AS sources
FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR)
WHERE NOT is_part
GROUP BY GROUPING SETS ((year), ())
ORDER BY is_total DESC, year NULLS FIRST;
