"""Organizational sign-ons: the public page, email confirmation, de-duplication."""
