"""A user's own account: password, second factor, sessions."""
