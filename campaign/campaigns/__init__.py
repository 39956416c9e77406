"""Campaigns: the top-level object every letter and demand belongs to."""
