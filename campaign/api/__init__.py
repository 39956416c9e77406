"""The JSON API (``/api/v1``): OSDI 1.1-shaped HAL+JSON over letters, sign-ons, the
directory and the coalition's extensions, read and written with personal API tokens."""
