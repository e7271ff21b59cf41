-- purpose: Regions page: money received by LDCs, LLDCs and SIDS (status on the flow's date)
--   and the total it is a share of (out-legs and direct flows of one stage group; a country can
--   hold several statuses, so the three shares are not added together)
-- grain: one row
-- params: @filters, group
-- columns: total, ldc, lldc, sids, flows
SELECT sum(amount) AS total,
       coalesce(sum(amount) FILTER (is_ldc), 0) AS ldc,
       coalesce(sum(amount) FILTER (is_lldc), 0) AS lldc,
       coalesce(sum(amount) FILTER (is_sids), 0) AS sids,
       coalesce(sum(flows), 0)::BIGINT AS flows
FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR)
WHERE NOT is_part AND received_side AND stage_group = $group;
