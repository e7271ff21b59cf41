-- purpose: Compare page: every contributor's transferred and promised money under the current
--   filters (in-legs and direct flows, no breakdown rows), with what peer groups are made of
-- grain: contributor (source actor)
-- params: @filters
-- columns: contributor_id, contributor, kind, country_iso3, region, is_g77, is_dac, given,
--   pledged, flows
SELECT f.source_actor_id AS contributor_id,
       coalesce(any_value(f.source_name), f.source_actor_id) AS contributor,
       any_value(f.source_kind) AS kind,
       any_value(f.source_country_iso3) AS country_iso3,
       any_value(f.contributor_region) AS region,
       coalesce(any_value(c.is_g77), false) AS is_g77,
       coalesce(any_value(c.is_dac_member), false) AS is_dac,
       coalesce(sum(f.amount) FILTER (f.stage_group = 'transferred'), 0) AS given,
       coalesce(sum(f.amount) FILTER (f.stage_group = 'promised'), 0) AS pledged,
       sum(f.flows)::BIGINT AS flows
FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR) AS f
LEFT JOIN country AS c ON c.iso3 = f.source_country_iso3
WHERE f.in_group_total AND f.given_side AND f.stage_group IN ('promised', 'transferred')
  AND f.source_actor_id IS NOT NULL
GROUP BY f.source_actor_id
ORDER BY given DESC, contributor;
