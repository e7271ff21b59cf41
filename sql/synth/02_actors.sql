-- synth step 2: replace the earlier generated rows of this dataset; the dataset row, the
-- generator's source document and the demo actors (origin 'demo', shared by every generated
-- dataset, created once: their attributes never depend on the seed).
DELETE FROM flow WHERE batch_id = (SELECT batch_id FROM synth_params);
DELETE FROM load_batch WHERE batch_id = (SELECT batch_id FROM synth_params);

INSERT INTO dataset (dataset, is_illustrative, is_bundled, description)
SELECT dataset, true, dataset = 'demo',
       'Illustrative flows made by the synthetic generator (not real data)'
FROM synth_params
ON CONFLICT (dataset) DO UPDATE SET is_illustrative = true, is_bundled = excluded.is_bundled,
    description = coalesce(description, excluded.description);

INSERT INTO source_document (source_document_id, title, publisher, kind)
VALUES ('synth-generator', 'fundflows synthetic demo generator', 'fundflows', 'generator')
ON CONFLICT (source_document_id) DO NOTHING;

INSERT INTO actor (actor_id, name, kind, country_iso3, origin, note)
WITH spec(prefix, label, kind, how_many, countries) AS (
    VALUES ('demo-company', 'Demo Company', 'company', 20,
            ['USA', 'FRA', 'CHE', 'GBR', 'JPN', 'DEU', 'BRA', 'IND', 'ZAF', 'CHN',
             'SEN', 'KEN', 'MEX', 'NOR', 'BEL', 'CAN', 'MAR', 'THA', 'NGA', 'ARG']),
           ('demo-foundation', 'Demo Foundation', 'foundation', 16,
            ['USA', 'CHE', 'FRA', 'GBR', 'DEU', 'NLD', 'JPN', 'SWE', 'BRA', 'IND',
             'ZAF', 'MCO', 'BEL', 'CAN', 'EGY', 'IDN']),
           ('demo-community-donors', 'Demo Community Donors', 'community', 16,
            ['USA', 'FRA', 'BEL', 'CHE', 'CAN', 'GBR', 'ITA', 'ESP', 'SEN', 'MLI',
             'BEN', 'HTI', 'PHL', 'MEX', 'GHA', 'PER']),
           ('demo-individual-donors', 'Demo Individual Donors', 'individual', 8,
            ['USA', 'FRA', 'CHE', 'GBR', 'DEU', 'JPN', 'CAN', 'BEL']),
           ('demo-community-group', 'Demo Community Group', 'community', 24,
            ['MLI', 'BFA', 'SEN', 'BEN', 'TGO', 'HTI', 'MDG', 'RWA', 'COD', 'GMB', 'NPL',
             'BGD', 'ETH', 'MOZ', 'UGA', 'TZA', 'KHM', 'LAO', 'NER', 'MWI', 'BOL', 'GTM',
             'PAK', 'KEN'])
),
numbered AS (
    SELECT prefix, label, kind, countries, unnest(range(1, how_many + 1)) AS k FROM spec
)
SELECT n.prefix || '-' || lpad(CAST(n.k AS VARCHAR), 2, '0'),
       n.label || ' ' || lpad(CAST(n.k AS VARCHAR), 2, '0'),
       n.kind, c.iso3, 'demo', 'Synthetic actor of the illustrative demo generator (not real)'
FROM numbered n LEFT JOIN country c ON c.iso3 = n.countries[n.k]
ON CONFLICT (actor_id) DO NOTHING;
