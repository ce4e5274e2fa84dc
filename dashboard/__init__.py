"""Billing Desk: a dashboard over the Nexudus billing API."""

__version__ = "0.1.0"
