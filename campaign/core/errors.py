"""Domain errors raised by services; views turn them into form errors or 4xx pages."""


class DomainError(Exception):
    """A rule of the domain was broken; the message is shown to the user."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist (or is not reachable from where it was asked)."""

    status_code = 404


class Conflict(DomainError):
    """The request conflicts with the current state (e.g. a duplicate)."""

    status_code = 409
