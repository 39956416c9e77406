"""Coalition letters: drafting, versioned text, status, and the coordinator's pages."""
