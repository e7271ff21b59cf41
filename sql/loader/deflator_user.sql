-- a user's deflator file (frame user_deflator_frame, validated whole in
-- pipelines/reference/deflators.py): each series in it replaces the user's earlier rows of
-- that series; bundled rows stay (in use, a user series hides the bundled series of its name)
DELETE FROM deflator AS d
WHERE d.kind = 'user' AND d.series IN (SELECT DISTINCT series FROM user_deflator_frame);
INSERT INTO deflator (series, year, "index", source, retrieved, kind, batch_id)
SELECT series, year::INTEGER, "index"::DOUBLE, source, retrieved::DATE, 'user', batch_id
FROM user_deflator_frame;
