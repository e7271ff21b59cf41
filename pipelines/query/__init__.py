"""Read-side slices of the warehouse: pivots, drill-downs and exports."""
