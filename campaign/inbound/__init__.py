"""Mail that comes back: bounces and replies read from the email itself (``ingest-mail``)."""
