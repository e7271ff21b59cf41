-- purpose: filter choices: the datasets, illustrative ones marked
-- grain: dataset
-- params: none
-- columns: dataset, is_illustrative, flows
SELECT d.dataset, d.is_illustrative, count(f.flow_id) AS flows
FROM dataset AS d
LEFT JOIN flow AS f ON f.dataset = d.dataset
GROUP BY d.dataset, d.is_illustrative, d.is_bundled
ORDER BY d.is_bundled DESC, d.dataset;
