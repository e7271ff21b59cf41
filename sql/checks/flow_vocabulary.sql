-- flows whose stage, leg or modality is outside the contract's vocabulary (design.md §5)
SELECT flow_id, stage, leg, modality FROM flow
WHERE stage NOT IN ('pledge', 'commitment', 'paid', 'allocation', 'disbursement', 'expenditure')
   OR leg NOT IN ('in', 'out', 'direct')
   OR (modality IS NOT NULL AND modality NOT IN ('north_south', 'south_south', 'triangular',
       'city_to_city', 'local_private', 'multilateral'));
