"""Nexudus enums with readable labels, as documented (seed docs and api-reference.md).

Nexudus sends an enum as its number, or on some endpoints as its name (seen live: "MultiGateway"
where list records carry 1); both parse to the member. A value we do not know is kept, as an
`UnknownMember`, and shown as such: never silently "none".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import IntEnum


def _humanise(name: str) -> str:
    """'StripeACH' -> 'Stripe ACH', 'PaypalStandardSubscription' -> 'Paypal Standard Subscription'."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name)
    return re.sub(r"(?<=[A-Za-z])(?=\d)", " ", spaced)


class LabelledEnum(IntEnum):
    @property
    def label(self) -> str:
        return _label(self.name)

    @classmethod
    def choices(cls) -> list[tuple[int, str]]:
        return [(member.value, member.label) for member in cls]

    @classmethod
    def parse(cls, value: object) -> LabelledEnum | UnknownMember | None:
        """The member for a wire value given by number (1, "1") or by name ("MultiGateway", any case);
        None for null, 0 or "None" (Nexudus's "no value"); an `UnknownMember` for anything else."""
        if value is None or isinstance(value, bool):
            return None if value is None else UnknownMember(cls.__name__, value)
        number: object = value
        if isinstance(value, str):
            text = value.strip()
            if text == "" or text.lower() == "none":
                return None
            if not (text.isascii() and text.lstrip("-").isdigit()):
                return _members_by_name(cls).get(text.lower()) or UnknownMember(cls.__name__, value)
            number = int(text)
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        if number == 0:
            return None
        if isinstance(number, int):
            try:
                return cls(number)
            except ValueError:
                pass
        return UnknownMember(cls.__name__, value)


@functools.cache
def _label(name: str) -> str:
    """A member's label from its name, worked out once (read per row of a table or export: issue 20).
    Keyed by the name, not the member: IntEnum members of different enums with one value are equal."""
    return _LABEL_OVERRIDES.get(name, _humanise(name))


@functools.cache
def _members_by_name(enum: type[LabelledEnum]) -> dict[str, LabelledEnum]:
    """An enum's members by lower-case name, built once per enum (names arrive on every record)."""
    return {member.name.lower(): member for member in enum}


@dataclass(frozen=True)
class UnknownMember:
    """An enum value Nexudus sent that this version does not know: kept, and labelled as unknown."""

    enum: str
    raw: object

    @property
    def label(self) -> str:
        return f"Unknown ({str(self.raw)[:40]})"

    @property
    def name(self) -> str:
        return str(self.raw)

    def __str__(self) -> str:
        return self.label


_LABEL_OVERRIDES = {
    "PaypalStandardSubscription": "PayPal Standard Subscription",
    "PayPalStandard": "PayPal Standard",
    "PayPalAdaptive": "PayPal Adaptive",
    "PayPalStandardRest": "PayPal Standard (REST)",
    "EPay": "ePay",
    "AuthorizeNetSubscription": "Authorize.Net Subscription",
    "AuthorizeNetDirect": "Authorize.Net Direct",
    "UsaEPay": "USAePay",
    "IZettleCreditCard": "iZettle Credit Card",
    "StripeBACS": "Stripe BACS",
    "StripeACH": "Stripe ACH",
    "LiqPay": "LiqPay",
    "EziDebit": "Ezidebit",
    "GoCardlessPro": "GoCardless Pro",
    "GoCardless": "GoCardless",
    "MidTrans": "Midtrans",
    "RazorPay": "Razorpay",
    "Quickbooks": "QuickBooks",
    "Check": "Cheque",
}


class RegularPaymentProvider(LabelledEnum):
    """`eRegularPaymentProvider`: the provider of a CoworkerInvoicePaymentToken."""

    MultiGateway = 1
    Stripe = 2
    Forte = 3
    AuthorizeNetSubscription = 4
    PaypalStandardSubscription = 5
    PayPalAdaptive = 6
    EPay = 7
    Braintree = 8
    EziDebit = 9
    LiqPay = 10
    StripeACH = 11
    GoCardless = 12
    StripeBACS = 13
    CreditNote = 94
    GiftCard = 95
    BankTransfer = 96
    Cash = 97
    Check = 98
    Other = 99


class PaymentProvider(LabelledEnum):
    """`ePaymentProvider`: the `PaymentGatewayName` of a CoworkerLedgerEntry (0 / absent = none)."""

    PayPalStandard = 1
    PaypalStandardSubscription = 2
    GoCardless = 3
    Stripe = 4
    AuthorizeNetDirect = 5
    UsaEPay = 6
    AuthorizeNetSubscription = 7
    Adyen = 8
    MultiGateway = 9
    Manual = 11
    Forte = 12
    PayPalAdaptive = 13
    GoCardlessPro = 14
    CreditCard = 15
    EPay = 16
    Braintree = 17
    MidTrans = 18
    EziDebit = 19
    LiqPay = 20
    RazorPay = 21
    SquareCash = 22
    SquareCreditCard = 23
    StripeACH = 24
    StripeDirectDebit = 25
    IZettleCreditCard = 26
    PeachPayments = 27
    Klarna = 28
    StripeTerminal = 29
    PayPalStandardRest = 30
    HostedPaymentPage1 = 401
    HostedPaymentPage2 = 402
    HostedPaymentPage3 = 403
    Xero = 500
    Quickbooks = 501
    ManualDirectDebit = 989
    BadDebt = 990
    CreditCardManual1 = 991
    CreditCardManual2 = 992
    CreditCardManual3 = 993
    Credit = 994
    Gift = 995
    Bank = 996
    Cash = 997
    Check = 998
    Other = 999


# A payment token's provider (`eRegularPaymentProvider`) as a ledger entry's gateway (`ePaymentProvider`):
# the manual methods differ in number (96 Bank transfer → 996 Bank); the rest share their names.
_LEDGER_GATEWAY_BY_PROVIDER = {
    "CreditNote": "Credit",
    "GiftCard": "Gift",
    "BankTransfer": "Bank",
}


def ledger_gateway_for(provider: object) -> PaymentProvider | None:
    """The ledger gateway recording a payment made with a token's `provider`; None when there is none."""
    if not isinstance(provider, RegularPaymentProvider):
        return None
    name = _LEDGER_GATEWAY_BY_PROVIDER.get(provider.name, provider.name)
    return PaymentProvider.__members__.get(name)
