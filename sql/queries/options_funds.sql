-- purpose: filter choices: funds (the four target funds first, then related funds with flows)
-- grain: fund
-- params: none
-- columns: fund_id, short_name, name_en, is_target
SELECT fu.fund_id, fu.short_name, fu.name_en, fu.is_target
FROM fund AS fu
WHERE fu.is_target
   OR EXISTS (SELECT 1 FROM flow_cube AS c   -- some flow has this fund_id (fund_short_name set)
              WHERE c.channel = fu.fund_id AND c.fund_short_name IS NOT NULL)
ORDER BY fu.is_target DESC,
         CASE fu.fund_id WHEN 'pgtf' THEN 0 WHEN 'unfssc' THEN 1 WHEN 'cities_fund' THEN 2
                         WHEN 'dgttf' THEN 3 ELSE 4 END,
         fu.short_name;
