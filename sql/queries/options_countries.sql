-- purpose: filter choices: recipient countries (every country of the reference table)
-- grain: country
-- params: none
-- columns: iso3, name
SELECT iso3, name_en AS name FROM country ORDER BY name_en;
