"""Validation: the patterns from the sources the model is checked against, and the report."""
