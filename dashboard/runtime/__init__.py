"""Process plumbing under every feature: thread pool, upstream budget, request id, logging, workarounds."""
