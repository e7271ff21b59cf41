-- purpose: an order-independent checksum of one table's content (row count + md5 of the
--          sorted md5s of every row cast to text), to prove a refused load changed nothing
-- grain: one row for the table named by $table (bound; a name from table_names.sql)
-- params: $table
-- columns: row_count, checksum
SELECT count(*) AS row_count,
       md5(coalesce(string_agg(md5(t::VARCHAR), '' ORDER BY md5(t::VARCHAR)), '')) AS checksum
FROM query_table($table) AS t;
