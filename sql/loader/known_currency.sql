-- add every currency the rate tables and pegs know to temp table known_currency
INSERT INTO known_currency
SELECT DISTINCT currency FROM fx_daily
UNION SELECT DISTINCT currency FROM fx_peg
UNION SELECT DISTINCT anchor_currency FROM fx_peg
UNION SELECT DISTINCT currency FROM fx_rate_table
UNION SELECT code FROM codelist WHERE list_name = 'Currency'
EXCEPT SELECT code FROM known_currency;
