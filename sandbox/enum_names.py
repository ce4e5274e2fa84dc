"""The documented names of the enums the sandbox serves, for `enum_encoding = names` (seed docs, api-reference.md)."""

from __future__ import annotations

REGULAR_PAYMENT_PROVIDER = {
    1: "MultiGateway", 2: "Stripe", 3: "Forte", 4: "AuthorizeNetSubscription", 5: "PaypalStandardSubscription",
    6: "PayPalAdaptive", 7: "EPay", 8: "Braintree", 9: "EziDebit", 10: "LiqPay", 11: "StripeACH",
    12: "GoCardless", 13: "StripeBACS", 94: "CreditNote", 95: "GiftCard", 96: "BankTransfer", 97: "Cash",
    98: "Check", 99: "Other",
}  # fmt: skip
PAYMENT_PROVIDER = {
    1: "PayPalStandard", 2: "PaypalStandardSubscription", 3: "GoCardless", 4: "Stripe", 5: "AuthorizeNetDirect",
    6: "UsaEPay", 7: "AuthorizeNetSubscription", 8: "Adyen", 9: "MultiGateway", 11: "Manual", 12: "Forte",
    13: "PayPalAdaptive", 14: "GoCardlessPro", 15: "CreditCard", 16: "EPay", 17: "Braintree", 18: "MidTrans",
    19: "EziDebit", 20: "LiqPay", 21: "RazorPay", 22: "SquareCash", 23: "SquareCreditCard", 24: "StripeACH",
    25: "StripeDirectDebit", 26: "IZettleCreditCard", 27: "PeachPayments", 28: "Klarna", 29: "StripeTerminal",
    30: "PayPalStandardRest", 401: "HostedPaymentPage1", 402: "HostedPaymentPage2", 403: "HostedPaymentPage3",
    500: "Xero", 501: "Quickbooks", 989: "ManualDirectDebit", 990: "BadDebt", 991: "CreditCardManual1",
    992: "CreditCardManual2", 993: "CreditCardManual3", 994: "Credit", 995: "Gift", 996: "Bank", 997: "Cash",
    998: "Check", 999: "Other",
}  # fmt: skip
COWORKER_TYPE = {1: "Individual", 2: "Company"}

# (entity name, property) -> names by value
BY_FIELD: dict[tuple[str, str], dict[int, str]] = {
    ("CoworkerInvoicePaymentToken", "RegularPaymentProvider"): REGULAR_PAYMENT_PROVIDER,
    ("Coworker", "RegularPaymentProvider"): REGULAR_PAYMENT_PROVIDER,
    ("Coworker", "CoworkerType"): COWORKER_TYPE,
    ("CoworkerLedgerEntry", "PaymentGatewayName"): PAYMENT_PROVIDER,
}
