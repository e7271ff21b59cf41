-- purpose: filter choices: the first and last year with flows (any dataset)
-- grain: one row
-- params: none
-- columns: first_year, last_year
SELECT min(year) AS first_year, max(year) AS last_year FROM flow;
