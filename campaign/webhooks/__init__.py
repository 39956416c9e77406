"""Webhooks: coordinators subscribe a URL to a campaign's events; the worker delivers each
event, signed, through a table like the outbox."""
