"""Pending work for coordinators: what waits for them, counted."""
