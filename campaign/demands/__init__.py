"""Demands: agency-specific asks (e.g. terminate a 287(g) agreement) and their lifecycle."""
