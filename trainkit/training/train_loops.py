"""TF1's small training-loop helpers: ``tf.train.LooperThread`` and
``tf.train.basic_train_loop``.

Example:
    >>> coord = tf.train.Coordinator()
    >>> tf.train.LooperThread.loop(coord, 10.0, report, args=(sess,))  # every 10 s
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from trainkit.training.coordinator import Coordinator


class LooperThread(threading.Thread):
    """A daemon thread that calls ``target(*args, **kwargs)`` (or :meth:`run_loop` of a
    subclass) every ``timer_interval_secs`` seconds, the first time at once (back to
    back when the interval is None), until ``coord`` stops; an exception stops ``coord``
    and is re-raised by ``coord.join``.

    Raises:
        ValueError: both a ``target`` and a subclass ``run_loop``, or ``args``/``kwargs``
            without a ``target``.
    """

    def __init__(self, coord: Coordinator, timer_interval_secs: float | None,
                 target: Callable[..., Any] | None = None, args: Any = None,
                 kwargs: Any = None):
        if not isinstance(coord, Coordinator):
            raise ValueError(f"'coord' argument must be a Coordinator: {coord!r}")
        super().__init__(daemon=True)
        self._coord = coord
        self._timer_interval_secs = timer_interval_secs
        self._target = target
        if target is not None:
            self._args, self._kwargs = tuple(args or ()), dict(kwargs or {})
        elif args is not None or kwargs is not None:
            raise ValueError("'args' and 'kwargs' argument require that you also pass "
                             "'target'")
        else:
            self._args, self._kwargs = (), {}
        coord.register_thread(self)

    @staticmethod
    def loop(coord: Coordinator, timer_interval_secs: float | None,
             target: Callable[..., Any], args: Any = None, kwargs: Any = None
             ) -> LooperThread:
        """Starts a :class:`LooperThread` calling ``target`` and returns it."""
        looper = LooperThread(coord, timer_interval_secs, target=target, args=args,
                              kwargs=kwargs)
        looper.start()
        return looper

    def run(self) -> None:
        with self._coord.stop_on_exception():
            self.start_loop()
            if self._timer_interval_secs is None:
                while not self._coord.should_stop():
                    self.run_loop()
            else:
                next_time = time.time()
                while not self._coord.wait_for_stop(max(0.0, next_time - time.time())):
                    next_time += self._timer_interval_secs
                    self.run_loop()
            self.stop_loop()

    def start_loop(self) -> None:
        """Called once when the thread starts (for subclasses)."""

    def stop_loop(self) -> None:
        """Called once when the loop ends without an exception (for subclasses)."""

    def run_loop(self) -> None:
        """One iteration: calls the ``target``; subclasses without one override it."""
        if self._target is None:
            raise NotImplementedError("LooperThread without a target: subclass it and "
                                      "override run_loop().")
        self._target(*self._args, **self._kwargs)


def basic_train_loop(supervisor: Any, train_step_fn: Callable[..., Any], args: Any = None,
                     kwargs: Any = None, master: str = "") -> None:
    """Calls ``train_step_fn(sess, *args, **kwargs)`` in a session managed by
    ``supervisor`` until it should stop."""
    args, kwargs = tuple(args or ()), dict(kwargs or {})
    with supervisor.managed_session(master) as sess:
        while not supervisor.should_stop():
            train_step_fn(sess, *args, **kwargs)


__all__ = ["LooperThread", "basic_train_loop"]
