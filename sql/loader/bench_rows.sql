-- bench/load.py: $rows generated template rows (a mix of legs, dates, currencies, new actors)
SELECT
    CASE WHEN i % 10 = 0 THEN CAST(1999 + i % 25 AS VARCHAR)
         WHEN i % 10 = 1 THEN strftime(DATE '2000-01-01' + CAST(i % 9000 AS INTEGER), '%d/%m/%Y')
         ELSE strftime(DATE '2000-01-01' + CAST(i % 9000 AS INTEGER), '%Y-%m-%d') END AS date,
    ['pledge', 'commitment', 'paid', 'allocation', 'disbursement', 'expenditure'][1 + i % 6] AS stage,
    CASE WHEN i % 7 = 0 THEN 'Bench donor ' || (i % 500) ELSE ['Lyon', 'India', 'UNDP', 'Bamako'][1 + i % 4] END AS contributor,
    CASE WHEN i % 7 = 0 THEN 'foundation' END AS contributor_kind,
    CASE WHEN i % 7 = 0 THEN ['France', 'Inde', 'SEN', 'ML'][1 + i % 4] END AS contributor_country,
    CASE WHEN i % 20 < 5 THEN ['pgtf', 'cities_fund', 'UNFSSC', 'dgttf'][1 + i % 4] END AS fund,
    CASE WHEN i % 20 BETWEEN 3 AND 14 THEN ['Bamako', 'Lyon', 'Ville de Lyon'][1 + i % 3] END AS recipient,
    NULL AS recipient_kind,
    CASE WHEN i % 3 = 0 THEN ['Mali', 'Sénégal', 'TGO', 'Кот-д’Ивуар'][1 + i % 4] END AS recipient_country,
    NULL AS modality,
    ['grant', 'in_kind', NULL][1 + i % 3] AS instrument,
    CAST(round(1000 + (i * 7919) % 5000000 + (i % 100) / 100.0, 2) AS VARCHAR) AS amount,
    ['USD', 'EUR', 'GBP', 'XOF', 'CHF'][1 + i % 5] AS currency,
    'generated row ' || i AS description,
    ['A/RES/58/220', 'bench-source.pdf'][1 + i % 2] AS source
FROM range($rows) t(i)
