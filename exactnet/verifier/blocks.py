"""One function over blocks of points: in this process, in local worker processes (``jobs``), or
as tasks on a dask.distributed cluster (``client``); results always come back in block order.

Blocks are handed out as results come in, at most ``WINDOW`` per worker at a time, so the
blocks in flight (and their results not yet collected) bound the memory, whatever N is. The
shared part (a network's form, say) is sent to each worker once: by the pool's initializer, or
broadcast to every dask worker. Local workers start by multiprocessing's forkserver (or spawn)
method, so a script calling this with ``jobs`` > 1 does so under ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from exactnet.errors import ArgumentError
from exactnet.progress import Progress

WINDOW = 2  # blocks in flight per worker
CONNECT_SECONDS = 10.0  # how long a dask scheduler may take to answer


_kept: list[Any] = [None]  # a pool worker's shared part


def run_blocks(fn: Callable[[Any, Any], Any], shared: Any, items: Iterable[Any], *, points: Callable[[Any], int],
               total: int, progress: Progress | None = None, jobs: int = 1, client: Any = None,
               stop_on_none: bool = False) -> list[Any] | None:
    """``[fn(shared, item) for item in items]``. ``points(item)`` is how many points a block
    holds: ``progress(done, total)`` is called with the running count after each block. With
    ``stop_on_none``, the first None result stops the run (blocks not started are dropped) and
    None is returned. Raises ``ArgumentError`` when ``jobs`` < 1."""
    if jobs < 1:
        raise ArgumentError(f"jobs must be at least 1, got {jobs}")
    if client is not None:
        [sent] = client.scatter([shared], broadcast=True)  # a list: one future, keyed by content
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        return _windowed(lambda item: client.submit(fn, sent, item, pure=False), items, WINDOW * workers,
                         points, total, progress, stop_on_none)
    if jobs > 1:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_keep, initargs=(shared,)) as pool:
            return _windowed(lambda item: pool.submit(_call_kept, fn, item), items, WINDOW * jobs,
                             points, total, progress, stop_on_none)
    out, done = [], 0
    for item in items:
        result = fn(shared, item)
        if result is None and stop_on_none:
            return None
        out.append(result)
        done += points(item)
        if progress:
            progress(done, total)
    return out


def _windowed(submit: Callable[[Any], Any], items: Iterable[Any], window: int, points: Callable[[Any], int],
              total: int, progress: Progress | None, stop_on_none: bool) -> list[Any] | None:
    """Submit blocks keeping at most ``window`` in flight; collect results in order."""
    pending: deque[tuple[int, Any]] = deque()
    out: list[Any] = []
    done = 0
    source = iter(items)
    while True:
        while len(pending) < window:
            item = next(source, None)
            if item is None:
                break
            pending.append((points(item), submit(item)))
        if not pending:
            return out
        size, future = pending.popleft()
        result = future.result()
        if result is None and stop_on_none:
            for _, other in pending:
                other.cancel()
            return None
        out.append(result)
        done += size
        if progress:
            progress(done, total)


def _keep(shared: Any) -> None:
    _kept[0] = shared


def _call_kept(fn: Callable[[Any, Any], Any], item: Any) -> Any:
    return fn(_kept[0], item)


def connect(address: str, seconds: float = CONNECT_SECONDS) -> Any:
    """A ``dask.distributed.Client`` for the scheduler at ``address``. Raises ``ArgumentError``
    for an empty address, a missing dask, or a scheduler that does not answer as one within
    ``seconds`` (a server that accepts and stays silent, an HTTP or SSH server, garbage: dask's
    own timeout does not cover the handshake, so the attempt runs in a thread given that long)."""
    if not address.strip():
        raise ArgumentError("`scheduler`: empty address; give tcp://host:port")
    try:
        from distributed import Client
    except ImportError:
        raise ArgumentError('`scheduler` needs dask.distributed: pip install ".[dask]"') from None
    found: dict[str, Any] = {}

    def attempt() -> None:
        try:
            found["client"] = Client(address, timeout=f"{seconds}s")
        except BaseException as e:  # whatever the far end makes dask raise is the reason, in one line
            found["error"] = e

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(seconds + 2)
    if "client" in found:
        return found["client"]
    error = found.get("error")
    why = f"no answer within {seconds:g} s" if error is None else \
        f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:120]}"
    raise ArgumentError(f"`scheduler` {address}: cannot connect ({why})")

