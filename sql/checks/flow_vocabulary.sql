-- flows whose stage, leg or modality is outside the contract's vocabulary (design.md §5).
-- $batches: as in flow_money.sql
SELECT flow_id, stage, leg, modality FROM flow
WHERE ($batches IS NULL OR list_contains($batches, batch_id))
  AND (stage NOT IN ('pledge', 'commitment', 'paid', 'allocation', 'disbursement', 'expenditure')
   OR leg NOT IN ('in', 'out', 'direct')
   OR (modality IS NOT NULL AND modality NOT IN ('north_south', 'south_south', 'triangular',
       'city_to_city', 'local_private', 'multilateral')));
