"""Presenting: the story, the deck (PPTX/PDF), chart images and the deck/chart commands."""
