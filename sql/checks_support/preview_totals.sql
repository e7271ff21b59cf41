-- purpose: totals of the rows a load would write (Load data page preview), from the loader's
--          temp table `staged` after pipelines.ingest.load.process on a read-only connection
-- grain: stage × leg × currency (in- and out-legs shown apart: never add them)
-- params: none
-- columns: stage, leg, currency, flows, amount_original
SELECT stage, leg, currency, count(*) AS flows, sum(amount_original) AS amount_original
FROM staged
GROUP BY ALL
ORDER BY stage, leg, currency;
