"""Per-token rate limits: writes 60 per minute, reads 10 per 100 ms (the documented figures).

Sliding windows of request times per caller. A refused request is not recorded, so Retry-After
(whole seconds, at least 1) says truthfully when the next one will pass.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from .config import Config


class Throttle:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.windows: dict[tuple[str, bool], deque[float]] = {}

    def reset(self) -> None:
        with self.lock:
            self.windows.clear()

    def check(self, key: str, is_write: bool, config: Config) -> int | None:
        """None when the request may pass (and it is recorded); otherwise seconds to wait."""
        if is_write:
            limit, window = config.write_limit_per_min, 60.0
        else:
            limit, window = config.read_limit, config.read_window_ms / 1000
        now = time.monotonic()
        with self.lock:
            times = self.windows.setdefault((key, is_write), deque())
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) >= limit:
                wait = times[0] + window - now if times else window
                return max(1, math.ceil(wait))
            times.append(now)
            return None
