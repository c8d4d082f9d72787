"""Progress of a run: tqdm where it is installed (terminal and notebook
alike), otherwise one line redrawn in place on a terminal or in a
notebook, or a log line every ten seconds elsewhere."""

from __future__ import annotations

import sys
import time
from typing import Any, Optional


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{(seconds % 3600) // 60:02d}m"


class Progress:
    """Shows ``(done, total)`` updates of a run labelled ``label``."""

    def __init__(self, enabled: bool, label: str) -> None:
        self.enabled = enabled
        self.label = label
        self.bar: Optional[Any] = None
        self.start = time.monotonic()
        self.first: Optional[int] = None
        self.last_line = 0.0
        self.in_place = False
        if not enabled:
            return
        try:
            from tqdm.auto import tqdm  # type: ignore[import-not-found]

            self.bar = tqdm(total=0, desc=label, unit="step", leave=True)
        except ImportError:
            stream = sys.stderr
            self.in_place = bool(getattr(stream, "isatty", lambda: False)()) or (
                "ipykernel" in sys.modules
            )

    def update(self, done: int, total: int) -> None:
        if not self.enabled or total == 0:
            return
        if self.first is None:
            self.first = done
        if self.bar is not None:
            if self.bar.total != total:
                self.bar.total = total
            self.bar.n = done
            self.bar.refresh()
            return
        now = time.monotonic()
        if not self.in_place and now - self.last_line < 10.0:
            return
        elapsed = now - self.start
        fresh = done - self.first
        eta = _duration(elapsed / fresh * (total - done)) if fresh > 0 else "unknown"
        line = (
            f"quench: {self.label}: {100.0 * done / total:5.1f}% ({done}/{total}), "
            f"elapsed {_duration(elapsed)}, eta {eta}"
        )
        end = "" if self.in_place else "\n"
        sys.stderr.write(("\r" if self.in_place else "") + line + end)
        sys.stderr.flush()
        self.last_line = now

    def close(self) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.close()
        elif self.in_place and self.first is not None:
            sys.stderr.write("\n")
            sys.stderr.flush()
