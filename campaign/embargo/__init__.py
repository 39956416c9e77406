"""Embargo and release (issue 20.3): set, postpone, cancel, release; the worker job."""
