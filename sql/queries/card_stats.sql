-- purpose: the footer of a chart card: flows behind it, sources, flows without a rate
-- grain: one row
-- params: @filters, groups, side
--   groups: stage groups shown (empty: all); side: 'given' (in + direct legs), 'received'
--   (out + direct legs), 'any' (both: a Sankey) or 'total' (each group's headline rule)
-- columns: flows, sources, flows_without_rate
SELECT coalesce(sum(flows), 0)::BIGINT AS flows,
       count(DISTINCT source_document_id) AS sources,
       coalesce(sum(flows_without_amount), 0)::BIGINT AS flows_without_rate
FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR)
WHERE NOT is_part
  AND (len($groups::VARCHAR[]) = 0 OR stage_group = ANY($groups::VARCHAR[]))
  AND CASE $side WHEN 'given' THEN given_side WHEN 'received' THEN received_side
                 WHEN 'any' THEN true ELSE in_group_total END;
