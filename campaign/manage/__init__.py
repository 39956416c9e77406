"""Signers manage their own sign-on through a personal link (issue 20.2)."""
