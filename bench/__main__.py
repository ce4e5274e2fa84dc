"""`python -m bench`: run the whole benchmark (BENCH_QUICK=1 for a short smoke run)."""

from bench.run import main

if __name__ == "__main__":
    raise SystemExit(main())
