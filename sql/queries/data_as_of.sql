-- purpose: the "data as of" stamp: warehouse version, when it was published, and the last load
-- grain: one row
-- params: none
-- columns: warehouse_version, published_at, last_load_at, last_load_file
SELECT (SELECT value FROM meta WHERE key = 'warehouse_version') AS warehouse_version,
       (SELECT value FROM meta WHERE key = 'published_at') AS published_at,
       (SELECT max(loaded_at) FROM load_batch) AS last_load_at,
       (SELECT arg_max(file_name, loaded_at) FROM load_batch) AS last_load_file;
