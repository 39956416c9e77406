"""Coordinator review of sign-ons: the queue, actions, CSV import and export."""
