-- flows_cube_flows(...): flows_cube for a display currency the cube has no amounts in: the
-- flows one by one from flows_filtered (each its own group), converted as-of, with the
-- columns and counts of flows_cube. In its own file, read after flows_filtered.sql (views are
-- created in file-name order, and a table macro needs the ones it reads).
CREATE OR REPLACE MACRO flows_cube_flows(
    p_dataset, p_year_from, p_year_to, p_funds, p_stages, p_modalities, p_kinds,
    p_contributors, p_countries, p_regions, p_statuses, p_currency
) AS TABLE
SELECT f.* EXCLUDE (rate_on), sa.city_id AS from_city_id,
       CASE WHEN sa.city_id IS NOT NULL THEN coalesce(f.recipient_city_id, da.city_id) END
           AS to_city_id,
       1::BIGINT AS flows, (f.amount IS NULL)::BIGINT AS flows_without_amount,
       (f.amount_usd IS NULL)::BIGINT AS flows_without_usd,
       CASE WHEN f.amount IS NULL THEN f.amount_original END AS original_without_amount
FROM flows_filtered(p_dataset, p_year_from, p_year_to, p_funds, p_stages, p_modalities, p_kinds,
                    p_contributors, p_countries, p_regions, p_statuses, p_currency) AS f
LEFT JOIN actor AS sa ON sa.actor_id = f.source_actor_id
LEFT JOIN actor AS da ON da.actor_id = f.destination_actor_id;
