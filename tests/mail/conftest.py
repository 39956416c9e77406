"""The scripted SMTP server for the mail tests."""

from tests.mail.scripted import scripted_smtp  # noqa: F401
