"""Accounts, roles, login and the admin user pages."""
