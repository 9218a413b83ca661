"""Errors that services raise; views and the API turn each into a clear message and a status."""


class ServiceError(Exception):
    """Bad input or a refused action: nothing was changed. `status` is the HTTP answer."""

    status = 422

    def __init__(self, detail: str, errors: list[dict[str, object]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        # Each problem with where it is, as the API's 422 lists them: {"loc", "msg", "type"}.
        self.errors = errors


class InvalidInput(ServiceError):
    status = 422


class Conflict(ServiceError):
    """The action does not fit the object's current state (or someone else just changed it)."""

    status = 409
