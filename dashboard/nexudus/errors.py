"""One exception per kind of Nexudus failure; the web layer turns each into words in one place."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field


class NexudusError(Exception):
    """Base of every failure the Nexudus module raises. `requests` exceptions never escape it."""

    default_message = "Nexudus could not complete the request."

    def __init__(self, message: str | None = None, *, status: int | None = None) -> None:
        self.message = message or self.default_message
        self.status = status
        super().__init__(self.message)


class NexudusUnavailable(NexudusError):
    """Nexudus could not be reached, or did not answer in time. Nothing was written."""

    default_message = "Nexudus could not be reached."


class NexudusWriteOutcomeUnknown(NexudusUnavailable):
    """A write was sent but no answer came back (timeout or dropped connection after sending).

    The record may or may not exist: never retried automatically; the person is told how to check.
    """

    default_message = "Nexudus did not answer after the request was sent; it may or may not have been saved."


class NexudusAuthExpired(NexudusError):
    """The person's Nexudus session has ended (refresh failed or was refused): they must sign in again."""

    default_message = "Your Nexudus session has expired. Please sign in again."


class NexudusPermissionDenied(NexudusError):
    """Nexudus refused the action for this person: a 403, or a 401 that survived a fresh token."""

    default_message = "Your Nexudus account does not have permission to do this."

    def __init__(self, message: str | None = None, *, status: int | None = None, role: str | None = None):
        super().__init__(message, status=status)
        self.role = role  # e.g. "CoworkerLedgerEntry-Create"


class NexudusNotFound(NexudusError):
    default_message = "Nexudus has no such record."


@dataclass(frozen=True)
class FieldError:
    """One entry of Nexudus's `Errors[]`, with the property already mapped to our field name."""

    field: str | None  # our record attribute name (e.g. "coworker_invoice_id"); None when unknown
    message: str
    property_name: str | None = None  # as Nexudus named it (e.g. "CoworkerInvoice")
    # May hold a payment token string: kept out of reprs so it can never reach a log line.
    attempted_value: object = dataclass_field(default=None, repr=False)


class NexudusValidationError(NexudusError):
    """Nexudus rejected the data (HTTP 400, or HTTP 200 with `WasSuccessful: false`)."""

    default_message = "Nexudus rejected the data."

    def __init__(
        self, message: str | None = None, *, status: int | None = None, errors: list[FieldError] | None = None
    ):
        super().__init__(message, status=status)
        self.errors: list[FieldError] = errors or []

    @property
    def field_errors(self) -> dict[str, list[str]]:
        """Messages keyed by our record attribute name (only errors Nexudus tied to a known field)."""
        result: dict[str, list[str]] = {}
        for error in self.errors:
            if error.field:
                result.setdefault(error.field, []).append(error.message)
        return result

    @property
    def non_field_errors(self) -> list[str]:
        """Messages for properties we cannot place on a field, as `Property: message`."""
        return [
            f"{e.property_name}: {e.message}" if e.property_name else e.message for e in self.errors if not e.field
        ] or ([] if self.errors else [self.message])


class NexudusRateLimited(NexudusError):
    """Nexudus throttled the request (429, or the legacy 409)."""

    default_message = "Nexudus is limiting how fast requests can be made."

    def __init__(self, message: str | None = None, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(message, status=status)
        self.retry_after = retry_after  # seconds to wait, when Nexudus said


class NexudusServerError(NexudusError):
    default_message = "Nexudus had an internal error."


class NexudusMalformedResponse(NexudusError):
    default_message = "Nexudus sent an answer that could not be read."


class NexudusSignInError(NexudusError):
    """The token endpoint refused a password or refresh grant."""

    default_message = "Nexudus did not accept the sign-in."

    def __init__(self, message: str | None = None, *, status: int | None = None, code: str | None = None):
        super().__init__(message, status=status)
        self.code = code  # OAuth error code, e.g. "invalid_grant"


class NexudusInvalidCredentials(NexudusSignInError):
    default_message = "That email and password do not match a Nexudus account."


class NexudusTwoFactorRequired(NexudusSignInError):
    """Nexudus answered `two_factor_auth_check`: ask for the 6-digit code and try again with `totp`."""

    default_message = "Enter the 6-digit code from your authenticator app."
