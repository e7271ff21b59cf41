-- purpose: Funds page: what each contributor promised and transferred into the selected
--   channel (in-legs and direct flows)
-- grain: contributor
-- params: @filters
-- columns: contributor_id, contributor, kind, promised, transferred, flows
SELECT source_actor_id AS contributor_id, coalesce(any_value(source_name), source_actor_id) AS contributor,
       any_value(source_kind) AS kind,
       sum(amount) FILTER (stage_group = 'promised') AS promised,
       sum(amount) FILTER (stage_group = 'transferred') AS transferred,
       sum(flows)::BIGINT AS flows
FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR)
WHERE in_group_total AND given_side AND stage_group IN ('promised', 'transferred')
GROUP BY source_actor_id
ORDER BY transferred DESC NULLS LAST, promised DESC NULLS LAST;
