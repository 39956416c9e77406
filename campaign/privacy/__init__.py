"""Forgetting a person: every copy of their name and address, not only the directory's."""
