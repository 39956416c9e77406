"""Action Network's webhooks into a letter: each signature or form submission they send
becomes a pending sign-on, confirmed by email as on the public page."""
