-- purpose: Funds page: promised vs transferred per year and the fulfilment rate
--   (transferred / promised; pledges are shown beside paid money, never added to it)
-- grain: year
-- params: @filters
-- columns: year, promised, transferred, fulfilment
SELECT year,
       sum(amount) FILTER (stage_group = 'promised') AS promised,
       sum(amount) FILTER (stage_group = 'transferred') AS transferred,
       sum(amount) FILTER (stage_group = 'transferred')
         / nullif(sum(amount) FILTER (stage_group = 'promised'), 0) AS fulfilment
FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR)
WHERE in_group_total AND given_side AND stage_group IN ('promised', 'transferred')
GROUP BY year
ORDER BY year;
