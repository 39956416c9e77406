"""Targets: the decision-makers and offices letters and demands go to, and their channels."""
