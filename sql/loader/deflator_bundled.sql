-- the bundled deflator rows (frame bundled_deflator_frame from pipelines/reference/deflators.py),
-- replacing the previous bundled rows; a user's rows are kept
DELETE FROM deflator WHERE kind = 'bundled';
INSERT INTO deflator (series, year, "index", source, retrieved, kind)
SELECT series, year::INTEGER, "index"::DOUBLE, source, retrieved::DATE, kind
FROM bundled_deflator_frame;
