-- purpose: an order-independent checksum of one table's content: the row count and the md5 of
--          the sorted 64-bit hashes of every whole row, to prove a refused load changed nothing
-- grain: one row for the table named by $table (bound; a name from table_names.sql)
-- params: $table
-- columns: row_count, checksum
SELECT count(*) AS row_count,
       md5(coalesce(string_agg(h::VARCHAR, ',' ORDER BY h), '')) AS checksum
FROM (SELECT hash(t) AS h FROM query_table($table) AS t);
