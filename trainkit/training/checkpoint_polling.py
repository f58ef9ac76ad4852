"""``tf.train.checkpoints_iterator``: yields each new checkpoint of a directory as it
appears (the evaluation-loop idiom), polling ``latest_checkpoint``.

Example:
    >>> for path in checkpoints_iterator(model_dir, timeout=600):
    ...     evaluate(path)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from trainkit.training.checkpoint_management import latest_checkpoint


def checkpoints_iterator(checkpoint_dir: str, min_interval_secs: float = 0,
                         timeout: float | None = None,
                         timeout_fn: Callable[[], bool] | None = None) -> Iterator[str]:
    """New checkpoint prefixes of ``checkpoint_dir``, at least ``min_interval_secs``
    apart; stops after ``timeout`` seconds without one (unless ``timeout_fn`` returns
    False, which keeps waiting)."""
    last = None
    while True:
        start = time.time()
        path = _wait_for_new(checkpoint_dir, last, timeout)
        if path is None:
            if timeout_fn is None or timeout_fn():
                return
            continue
        last = path
        yield path
        rest = min_interval_secs - (time.time() - start)
        if rest > 0:
            time.sleep(rest)


def _wait_for_new(directory: str, last: str | None, timeout: float | None,
                  poll: float = 0.5) -> str | None:
    stop = None if timeout is None else time.time() + timeout
    while True:
        path = latest_checkpoint(directory)
        if path is not None and path != last:
            return path
        if stop is not None and time.time() + poll > stop:
            return None
        time.sleep(poll)


def wait_for_new_checkpoint(checkpoint_dir: str, last_checkpoint: str | None = None,
                            seconds_to_sleep: float = 1,
                            timeout: float | None = None) -> str | None:
    """The newest checkpoint prefix of ``checkpoint_dir`` once it differs from
    ``last_checkpoint``, polling every ``seconds_to_sleep``; None after ``timeout``
    seconds without one."""
    return _wait_for_new(checkpoint_dir, last_checkpoint, timeout, poll=seconds_to_sleep)


__all__ = ["checkpoints_iterator", "wait_for_new_checkpoint"]
