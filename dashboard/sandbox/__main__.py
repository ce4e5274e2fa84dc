"""`python -m dashboard.sandbox [options]`: the sandbox without Django."""

from .cli import main

main()
