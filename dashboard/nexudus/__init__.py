"""The only code that talks HTTP to Nexudus: client, token grants, typed records, errors.

Public surface (import from the submodules):
- `NexudusClient` — one per request, built with the person's `TokenProvider` (see client.py).
- `token_password_grant`, `token_refresh_grant` — the `/api/token` calls (see auth.py).
- records, queries, drafts, enums and errors from their modules.
"""
