"""Verifying that a sign-on's signer speaks for the organization (issue 20.1)."""
