-- purpose: one line per dataset for `fundflows status`
-- grain: dataset
-- params: none
-- columns: dataset, is_illustrative, flows, batches, first_year, last_year
SELECT d.dataset,
       d.is_illustrative,
       count(f.flow_id) AS flows,
       count(DISTINCT f.batch_id) AS batches,
       min(f.year) AS first_year,
       max(f.year) AS last_year
FROM dataset AS d
LEFT JOIN flow AS f ON f.dataset = d.dataset
GROUP BY ALL
ORDER BY d.dataset;
