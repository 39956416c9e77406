"""What an operator needs: the preflight check, health endpoints, JSON logs, metrics."""
