"""The scripted SMTP server for the sending tests."""

from tests.mail.scripted import scripted_smtp  # noqa: F401
