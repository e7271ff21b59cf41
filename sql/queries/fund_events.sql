-- purpose: Funds page: dated timeline of the fund's events (establishment, renaming,
--   inclusion in the Pledging Conference, ...) with sources
-- grain: fund_event row
-- params: fund
-- columns: event_date, year, kind, description, source_title, source_url, source_locator
SELECT e.event_date, e.year, e.kind, e.description, d.title AS source_title, d.url AS source_url,
       e.source_locator
FROM fund_event AS e
LEFT JOIN source_document AS d ON d.source_document_id = e.source_document_id
WHERE e.fund_id = $fund
ORDER BY e.year, e.event_date NULLS LAST;
