"""The analysts' workbench: Explore pivots, Compare and the SQL console."""
