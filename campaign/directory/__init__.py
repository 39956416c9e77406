"""The coalition directory: organizations and their contacts across letters."""
