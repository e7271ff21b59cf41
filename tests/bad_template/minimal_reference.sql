-- minimal reference rows for loader tests (until a full build is cheap): a few countries,
-- the four funds with their actors, aliases, one document and the XOF peg
INSERT INTO country (iso3, iso2, m49, name_en, name_fr, name_es, name_ru, is_ldc, is_g77, is_dac_member) VALUES
    ('FRA', 'FR', 250, 'France', 'France', 'Francia', 'Франция', false, false, true),
    ('MLI', 'ML', 466, 'Mali', 'Mali', 'Malí', 'Мали', true, true, false),
    ('IND', 'IN', 356, 'India', 'Inde', 'India', 'Индия', false, true, false),
    ('SEN', 'SN', 686, 'Senegal', 'Sénégal', 'Senegal', 'Сенегал', true, true, false),
    ('CIV', 'CI', 384, 'Côte d''Ivoire', 'Côte d''Ivoire', 'Côte d''Ivoire', 'Кот-д’Ивуар', false, true, false),
    ('TGO', 'TG', 768, 'Togo', 'Togo', 'Togo', 'Того', true, true, false),
    ('BEL', 'BE', 56, 'Belgium', 'Belgique', 'Bélgica', 'Бельгия', false, false, true),
    ('USA', 'US', 840, 'United States of America', 'États-Unis d''Amérique', 'Estados Unidos de América', 'Соединенные Штаты Америки', false, false, true);
INSERT INTO actor (actor_id, name, kind, country_iso3, iati_org_ref, origin) VALUES
    ('pgtf', 'Pérez-Guerrero Trust Fund', 'fund', NULL, NULL, 'reference'),
    ('unfssc', 'United Nations Fund for South-South Cooperation', 'fund', NULL, NULL, 'reference'),
    ('cities_fund', 'International Solidarity Fund of Cities', 'fund', NULL, NULL, 'reference'),
    ('dgttf', 'UNDP Democratic Governance Thematic Trust Fund', 'fund', NULL, 'XM-DAC-41114-DGTTF', 'reference'),
    ('gov_ind', 'Government of India', 'government', 'IND', 'IN-GOV', 'reference'),
    ('city_lyon', 'Lyon', 'local_government', 'FRA', NULL, 'reference'),
    ('city_bamako', 'Bamako', 'local_government', 'MLI', NULL, 'reference'),
    ('undp', 'United Nations Development Programme', 'multilateral', NULL, 'XM-DAC-41114', 'reference');
INSERT INTO actor_alias (alias_norm, alias, actor_id, lang) VALUES
    ('perez-guerrero trust fund', 'Pérez-Guerrero Trust Fund', 'pgtf', 'en'),
    ('pgtf', 'PGTF', 'pgtf', 'en'),
    ('ville de lyon', 'Ville de Lyon', 'city_lyon', 'fr'),
    ('lyon', 'Lyon', 'city_lyon', 'en'),
    ('bamako', 'Bamako', 'city_bamako', 'fr'),
    ('government of india', 'Government of India', 'gov_ind', 'en'),
    ('india', 'India', 'gov_ind', 'en'),
    ('undp', 'UNDP', 'undp', 'en');
INSERT INTO fund (fund_id, actor_id, short_name, name_en, name_fr, is_target) VALUES
    ('pgtf', 'pgtf', 'PGTF', 'Pérez-Guerrero Trust Fund', 'Fonds d''affectation spéciale Pérez-Guerrero', true),
    ('unfssc', 'unfssc', 'UNFSSC', 'United Nations Fund for South-South Cooperation', NULL, true),
    ('cities_fund', 'cities_fund', 'Cities fund', 'International Solidarity Fund of Cities', 'Fonds de solidarité internationale des villes', true),
    ('dgttf', 'dgttf', 'DGTTF', 'UNDP Democratic Governance Thematic Trust Fund', NULL, true);
INSERT INTO source_document (source_document_id, symbol, title, kind) VALUES
    ('a_res_58_220', 'A/RES/58/220', 'Economic and technical cooperation among developing countries', 'un_document');
INSERT INTO fx_peg VALUES ('XOF', 'EUR', 655.957, DATE '1999-01-01', NULL, 'BCEAO: 655.957 XOF per euro');
