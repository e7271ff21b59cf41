-- purpose: Sources page: the source documents behind the flows on screen
-- grain: source document
-- params: @filters
-- columns: source_document_id, symbol, title, publisher, year, url, flows
SELECT f.source_document_id, any_value(d.symbol) AS symbol,
       coalesce(any_value(d.title), f.source_document_id) AS title,
       any_value(d.publisher) AS publisher, any_value(d.year) AS year, any_value(d.url) AS url,
       sum(f.flows)::BIGINT AS flows
FROM flows_cube($dataset::VARCHAR, $year_from::INTEGER, $year_to::INTEGER, $fund::VARCHAR[],
                    $stage::VARCHAR[], $modality::VARCHAR[], $contributor_kind::VARCHAR[],
                    $contributor::VARCHAR[], $recipient_country::VARCHAR[], $region::VARCHAR[],
                    $status::VARCHAR[], $currency::VARCHAR) AS f
LEFT JOIN source_document AS d ON d.source_document_id = f.source_document_id
GROUP BY f.source_document_id
ORDER BY flows DESC, title;
