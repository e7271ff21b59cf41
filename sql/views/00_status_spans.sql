-- status_spans: per country and status (ldc, lldc, sids, g77, dac), the spans of days it held
-- the status: lo <= day < hi (country_status from_date / to_date; to_date is the first day
-- without it, so a graduation on 1 January 2011 is not LDC on any day of 2011; a row without
-- dates spans 1 January of from_year to the end of to_year).
-- status_held(spans, flow_date, year): whether one of the spans holds on the flow's date, or on
-- 1 January of its year when only the year is known (the status the year began with); NULL when
-- the country has no span of that status (callers fall back to the country's current flag).
-- Shared by flows_enriched, the cube (sql/aggregates/flow_cube_insert.sql) and explore_flows so
-- the status means the same thing everywhere (tests/test_aggregates.py compares them).
CREATE OR REPLACE VIEW status_spans AS
SELECT iso3, status,
       list(struct_pack(
           lo := coalesce(from_date, make_date(from_year, 1, 1), DATE '0001-01-01'),
           hi := coalesce(to_date, make_date(to_year + 1, 1, 1), DATE '9999-12-31'))) AS spans
FROM country_status GROUP BY ALL;

CREATE OR REPLACE MACRO status_held(spans, flow_date, year) AS
    list_bool_or([coalesce(flow_date, make_date(year, 1, 1)) >= s.lo
                  AND coalesce(flow_date, make_date(year, 1, 1)) < s.hi FOR s IN spans]);
