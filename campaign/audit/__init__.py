"""The audit log: who did what, written by services."""
