"""Backups: a consistent copy of the database and the uploaded files, and restoring it."""
