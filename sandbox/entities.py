"""What each emulated resource looks like on the wire: fields, filters, listing omissions.

One table per entity maps a documented property to a column of its denormalising view, a wire
kind (how it is serialised) and, when it can be filtered, the documented filter suffix
(`CoworkerLedgerEntry_<suffix>`). Search, serialisation and sorting are all driven by it.
"""

from __future__ import annotations

from .fields import Entity, Field

PAYMENT_TOKEN = Entity(
    name="CoworkerInvoicePaymentToken",
    path="/api/billing/coworkerinvoicepaymenttokens",
    view="v_tokens",
    table="tokens",
    writable=True,
    listing_omits=frozenset({"RegularPaymentProvider"}),
    to_string=lambda row: row["token"] or f"Payment token for invoice {row['coworker_invoice_id']}",
    fields=(
        Field("CoworkerInvoiceId", "coworker_invoice_id", "int", "CoworkerInvoice"),
        Field("RegularPaymentProvider", "regular_payment_provider", "enum", "RegularPaymentProvider"),
        Field("Token", "token", "text", "Token"),
        Field("Notes", "notes", "text", "Notes"),
    ),
)

LEDGER_ENTRY = Entity(
    name="CoworkerLedgerEntry",
    path="/api/billing/coworkerledgerentries",
    view="v_ledger",
    table="ledger",
    writable=True,
    currency_column="business_currency_code",
    to_string=lambda row: row["description"],
    fields=(
        Field("BusinessId", "business_id", "int", "Business"),
        Field("BusinessName", "business_name", "text", "Business_Name", via=("business_id", "businesses", "name")),
        Field(
            "BusinessCurrencyCode",
            "business_currency_code",
            "text",
            "Business_Currency_Code",
            via=("business_id", "businesses", "currency_code"),
        ),
        Field("CoworkerId", "coworker_id", "int", "Coworker"),
        Field(
            "CoworkerFullName",
            "coworker_full_name",
            "text",
            "Coworker_FullName",
            via=("coworker_id", "coworkers", "full_name"),
        ),
        Field("CoworkerInvoiceId", "coworker_invoice_id", "int", "CoworkerInvoice"),
        Field(
            "CoworkerInvoiceInvoiceNumber",
            "invoice_number",
            "text",
            "CoworkerInvoice_InvoiceNumber",
            via=("coworker_invoice_id", "invoices", "invoice_number"),
        ),
        Field(
            "CoworkerInvoiceTotalAmount",
            "invoice_total_cents",
            "money_text",
            "CoworkerInvoice_TotalAmount",
            via=("coworker_invoice_id", "invoices", "total_cents"),
        ),
        Field(
            "CoworkerInvoiceBillToName",
            "invoice_bill_to_name",
            "text",
            "CoworkerInvoice_BillToName",
            via=("coworker_invoice_id", "invoices", "bill_to_name"),
        ),
        Field(
            "CoworkerInvoicePaid",
            "invoice_paid",
            "bool",
            "CoworkerInvoice_Paid",
            via=("coworker_invoice_id", "invoices", "paid"),
        ),
        Field(
            "CoworkerInvoicePaidOn",
            "invoice_paid_on",
            "date",
            "CoworkerInvoice_PaidOn",
            via=("coworker_invoice_id", "invoices", "paid_on"),
        ),
        Field(
            "CoworkerInvoiceRefunded",
            "invoice_refunded",
            "bool",
            "CoworkerInvoice_Refunded",
            via=("coworker_invoice_id", "invoices", "refunded"),
        ),
        Field(
            "CoworkerInvoiceRefundedOn",
            "invoice_refunded_on",
            "date",
            "CoworkerInvoice_RefundedOn",
            via=("coworker_invoice_id", "invoices", "refunded_on"),
        ),
        Field(
            "CoworkerInvoiceDueDate",
            "invoice_due_date",
            "date",
            "CoworkerInvoice_DueDate",
            via=("coworker_invoice_id", "invoices", "due_date"),
        ),
        Field(
            "CoworkerInvoiceDraft",
            "invoice_draft",
            "bool",
            "CoworkerInvoice_Draft",
            via=("coworker_invoice_id", "invoices", "draft"),
        ),
        Field(
            "CoworkerInvoiceWaitingForInvoiceNumber",
            "invoice_waiting",
            "bool",
            "CoworkerInvoice_WaitingForInvoiceNumber",
            via=("coworker_invoice_id", "invoices", "waiting"),
        ),
        Field("Description", "description", "text", "Description"),
        Field("Code", "code", "text", "Code"),
        Field("Debit", "debit_cents", "money", "Debit"),
        Field("Credit", "credit_cents", "money", "Credit"),
        Field("PaymentGatewayName", "payment_gateway_name", "enum", "PaymentGatewayName"),
        Field("PaymentMethodNumber", "payment_method_number", "text", "PaymentMethodNumber"),
        Field("TransactionDate", "transaction_date", "date", "TransactionDate"),
        Field("Balance", "balance_cents", "money", "Balance"),
        Field("Billed", "billed", "bool", "Billed"),
        Field("TransactionDateLocal", "transaction_date_local", "date", "TransactionDateLocal"),
        Field("ConnectedTransactionGuid", "connected_transaction_guid", "text", "ConnectedTransactionGuid"),
    ),
)

INVOICE = Entity(
    name="CoworkerInvoice",
    path="/api/billing/coworkerinvoices",
    view="v_invoices",
    table="invoices",
    currency_column="currency_code",
    to_string=lambda row: row["invoice_number"] or f"Draft invoice {row['id']}",
    fields=(
        Field("CoworkerId", "coworker_id", "int", "Coworker"),
        Field(
            "CoworkerFullName",
            "coworker_full_name",
            "text",
            "Coworker_FullName",
            via=("coworker_id", "coworkers", "full_name"),
        ),
        Field(
            "CoworkerBillingEmail",
            "coworker_billing_email",
            "text",
            "Coworker_BillingEmail",
            via=("coworker_id", "coworkers", "billing_email"),
        ),
        Field(
            "CoworkerCompanyName",
            "coworker_company_name",
            "text",
            "Coworker_CompanyName",
            via=("coworker_id", "coworkers", "company_name"),
        ),
        Field("BusinessId", "business_id", "int", "Business"),
        Field("BusinessName", "business_name", "text", "Business_Name", via=("business_id", "businesses", "name")),
        Field("InvoiceNumber", "invoice_number", "text", "InvoiceNumber"),
        Field("PaymentReference", "payment_reference", "text", "PaymentReference"),
        Field("BillToName", "bill_to_name", "text", "BillToName"),
        Field("Description", "description", "text", "Description"),
        Field("DueDate", "due_date", "date", "DueDate"),
        Field("InvoiceFromDate", "invoice_from_date", "date", "InvoiceFromDate"),
        Field("InvoiceToDate", "invoice_to_date", "date", "InvoiceToDate"),
        Field("TotalAmount", "total_cents", "money", "TotalAmount"),
        Field("PaidAmount", "paid_cents", "money", "PaidAmount"),
        Field("TaxAmount", "tax_cents", "money", "TaxAmount"),
        Field("DiscountAmount", "discount_cents", "money", "DiscountAmount"),
        Field("CurrencyId", "currency_id", "int", "Currency", via=("business_id", "businesses", "currency_id")),
        Field(
            "CurrencyCode", "currency_code", "text", "Currency_Code", via=("business_id", "businesses", "currency_code")
        ),
        Field("TransactionCurrencyCode", "currency_code", "text", None),
        Field("Draft", "draft", "bool", "Draft"),
        Field("Void", "void", "bool", "Void"),
        Field("WaitingForInvoiceNumber", "waiting", "bool", "WaitingForInvoiceNumber"),
        Field("Paid", "paid", "bool", "Paid"),
        Field("PaidOn", "paid_on", "date", "PaidOn"),
        Field("Sent", "sent", "bool", "Sent"),
        Field("SentOn", "sent_on", "date", "SentOn"),
        Field("Refunded", "refunded", "bool", "Refunded"),
        Field("RefundedOn", "refunded_on", "date", "RefundedOn"),
        Field("RefundedAmount", "refunded_cents", "money", "RefundedAmount"),
        Field("CreditNote", "credit_note", "bool", "CreditNote"),
        Field("OriginalInvoiceGuid", None, "null"),
        Field("ReceivedAmount", "paid_cents", "money", None),
        Field("CreditedAmount", None, "null"),
    ),
)

COWORKER = Entity(
    name="Coworker",
    path="/api/spaces/coworkers",
    view="v_coworkers",
    table="coworkers",
    to_string=lambda row: row["full_name"],
    fields=(
        Field("FullName", "full_name", "text", "FullName"),
        Field("Email", "email", "text", "Email"),
        Field("CoworkerType", "coworker_type", "enum", "CoworkerType"),
        Field("CompanyName", "company_name", "text", "CompanyName"),
        Field("BillingEmail", "billing_email", "text", "BillingEmail"),
        Field("InvoicingBusinessId", "invoicing_business_id", "int", "InvoicingBusiness"),
        Field(
            "InvoicingBusinessName",
            "invoicing_business_name",
            "text",
            "InvoicingBusiness_Name",
            via=("invoicing_business_id", "businesses", "name"),
        ),
        Field("Businesses", "invoicing_business_id", "ids"),
        Field("Teams", None, "ids"),
        Field("RegularPaymentProvider", "regular_payment_provider", "enum", "RegularPaymentProvider"),
    ),
)

BUSINESS = Entity(
    name="Business",
    path="/api/sys/businesses",
    view="v_businesses",
    table="businesses",
    to_string=lambda row: row["name"],
    fields=(
        Field("Name", "name", "text", "Name"),
        Field("CurrencyId", "currency_id", "int", "Currency"),
        Field("CurrencyCode", "currency_code", "text", "Currency_Code"),
        Field("CountryId", "country_id", "int", "Country"),
        Field("CountryName", "country_name", "text", "Country_Name"),
        Field("SimpleTimeZoneId", "time_zone", "text", "SimpleTimeZoneId"),
        Field("WebAddress", "web_address", "text", "WebAddress"),
        Field("EmailContact", "email_contact", "text", "EmailContact"),
        Field("Address", "address", "text", "Address"),
        Field("Phone", "phone", "text", "Phone"),
        Field("RootLocationId", None, "null"),
    ),
)

ENTITIES = (PAYMENT_TOKEN, LEDGER_ENTRY, INVOICE, COWORKER, BUSINESS)
BY_PATH = {entity.path: entity for entity in ENTITIES}
