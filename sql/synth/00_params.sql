-- synth step 0: the parameters ($rows, $seed, $dataset); later steps read synth_params.
CREATE OR REPLACE TEMP TABLE synth_params AS
SELECT CAST($rows AS BIGINT) AS n, CAST($seed AS BIGINT) AS seed,
       CAST($dataset AS VARCHAR) AS dataset, 'synth-' || $dataset AS batch_id,
       CAST($rows AS DOUBLE) / 20000.0 AS calib_scale;
