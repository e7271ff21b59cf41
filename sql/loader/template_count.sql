-- data rows of a template file: rows with at least one non-empty template cell
SELECT count(*) FROM template_raw
WHERE coalesce(date, stage, contributor, contributor_kind, contributor_country, fund, recipient,
               recipient_kind, recipient_country, modality, instrument, amount, currency,
               description, source) IS NOT NULL;
