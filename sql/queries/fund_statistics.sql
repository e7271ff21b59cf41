-- purpose: Funds page: the fund's stocks (endowment, cumulative totals, budgets) with their
--   as-of date and source; stocks are never added to flows
-- grain: fund_statistic row
-- params: dataset, fund
-- columns: kind, as_of, year, amount, qualifier, currency, amount_usd, note, source_ref, source_title, source_url
SELECT s.kind, s.as_of, s.year, s.amount, s.qualifier, s.currency, s.amount_usd, s.note, s.source_ref,
       d.title AS source_title, d.url AS source_url
FROM fund_statistic AS s
LEFT JOIN source_document AS d ON d.source_document_id = s.source_document_id
WHERE s.dataset = $dataset AND s.fund_id = $fund
ORDER BY coalesce(s.as_of, make_date(s.year, 12, 31)) DESC NULLS LAST, s.kind;
