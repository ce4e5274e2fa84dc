"""The Nexudus sandbox: an HTTP emulator of the documented Nexudus REST API (see README.md here)."""
