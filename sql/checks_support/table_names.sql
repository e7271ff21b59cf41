-- purpose: every base table of the warehouse (the whitelist table_checksum may be run on)
-- grain: table
-- params: none
-- columns: table_name
SELECT table_name
FROM information_schema.tables
WHERE table_schema = 'main' AND table_type = 'BASE TABLE'
ORDER BY table_name;
