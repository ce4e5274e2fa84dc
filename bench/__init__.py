"""Billing Desk benchmark harness: `make bench` (or `python -m bench`).

Starts the Nexudus sandbox and the dashboard under gunicorn (production settings) on loopback, drives
them with a bounded load generator and reports latency, throughput, upstream cost, CPU, memory and page
weight against the targets of issue 9. See bench/README.md.
"""
