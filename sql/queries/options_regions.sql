-- purpose: filter choices: M49 regions, sub-regions and intermediate regions (3-digit codes)
-- grain: area
-- params: none
-- columns: code, name, level
SELECT code, name, level FROM m49_area
ORDER BY CASE level WHEN 'region' THEN 0 WHEN 'subregion' THEN 1 ELSE 2 END, name;
