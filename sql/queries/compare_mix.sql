-- purpose: Compare page: each contributor's transferred money split by fund, recipient region,
--   modality, recipient status (exclusive: LDC, else LLDC, else SIDS, else other) and year
-- grain: contributor × facet × category
-- params: @filters
-- columns: contributor_id, facet (fund, region, modality, status, year), category, amount
WITH given AS (
    SELECT source_actor_id AS contributor_id,
           coalesce(fund_short_name, channel) AS fund,
           coalesce(recipient_region_name,
                    CASE WHEN leg = 'in' THEN 'via_fund' ELSE 'unspecified' END) AS region,
           coalesce(modality, 'unspecified') AS modality,
           CASE WHEN recipient_country_iso3 IS NULL AND leg = 'in' THEN 'via_fund'
                WHEN recipient_country_iso3 IS NULL THEN 'unspecified'
                WHEN is_ldc THEN 'ldc' WHEN is_lldc THEN 'lldc' WHEN is_sids THEN 'sids'
                ELSE 'other' END AS status,
           CAST(year AS VARCHAR) AS year, amount
    FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER,
                        $fund::VARCHAR[], $stage::VARCHAR[], $modality::VARCHAR[],
                        $contributor_kind::VARCHAR[], $contributor::VARCHAR[],
                        $recipient_country::VARCHAR[], $region::VARCHAR[], $status::VARCHAR[],
                        $currency::VARCHAR)
    WHERE in_group_total AND given_side AND stage_group = 'transferred'
      AND source_actor_id IS NOT NULL AND flows > flows_without_amount
)
SELECT contributor_id,
       CASE WHEN GROUPING(fund) = 0 THEN 'fund' WHEN GROUPING(region) = 0 THEN 'region'
            WHEN GROUPING(modality) = 0 THEN 'modality' WHEN GROUPING(status) = 0 THEN 'status'
            ELSE 'year' END AS facet,
       coalesce(fund, region, modality, status, year) AS category,
       sum(amount) AS amount
FROM given
GROUP BY GROUPING SETS ((contributor_id, fund), (contributor_id, region),
                        (contributor_id, modality), (contributor_id, status),
                        (contributor_id, year))
ORDER BY contributor_id, facet, category;
