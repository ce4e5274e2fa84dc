"""Nexudus enums with readable labels, as documented (seed docs and api-reference.md)."""

from __future__ import annotations

import re
from enum import IntEnum


def _humanise(name: str) -> str:
    """'StripeACH' -> 'Stripe ACH', 'PaypalStandardSubscription' -> 'Paypal Standard Subscription'."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name)
    return re.sub(r"(?<=[A-Za-z])(?=\d)", " ", spaced)


class LabelledEnum(IntEnum):
    @property
    def label(self) -> str:
        return _LABEL_OVERRIDES.get(self.name, _humanise(self.name))

    @classmethod
    def choices(cls) -> list[tuple[int, str]]:
        return [(member.value, member.label) for member in cls]

    @classmethod
    def parse(cls, value: object) -> LabelledEnum | None:
        """The member for a wire value; None for null, 0 ("None" in Nexudus) or an unknown number."""
        if value is None or value == "" or value == 0:
            return None
        try:
            return cls(int(value))  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return None


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
