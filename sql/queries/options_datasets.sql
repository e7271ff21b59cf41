-- purpose: filter choices: the datasets, illustrative ones marked
-- grain: dataset
-- params: none
-- columns: dataset, is_illustrative, flows
SELECT d.dataset, d.is_illustrative, coalesce(sum(c.flows), 0)::BIGINT AS flows
FROM dataset AS d
LEFT JOIN flow_cube AS c ON c.dataset = d.dataset   -- the flows counted at publication
GROUP BY d.dataset, d.is_illustrative, d.is_bundled
ORDER BY d.is_bundled DESC, d.dataset;
