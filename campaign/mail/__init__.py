"""The outbox: mail written in the request's transaction and delivered by a worker."""
