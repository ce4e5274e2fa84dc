"""`python -m sandbox [options]`: the sandbox without Django."""

from .cli import main

main()
