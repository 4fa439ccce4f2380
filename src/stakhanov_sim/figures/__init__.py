"""Figures: every plot reads a run's results (never runs a model), in one shared style."""
