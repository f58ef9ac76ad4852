"""``tf.train.Supervisor`` (TF1's pre-``MonitoredTrainingSession`` training manager):
builds or finds the init / ready / saver / summary / global-step ops, **finalizes the
graph**, and ``managed_session()`` gives a session that is restored from ``logdir``'s
latest checkpoint or initialized, with the queue runners and the standard services
running in threads registered with its :class:`Coordinator`.

Standard services (chief with a ``logdir``; TF1's looper threads, each running its
first pass at once, then every interval):

* summaries: ``sess.run(summary_op)`` every ``save_summaries_secs`` (note: if the
  summary op depends on a queue it dequeues from it, as in TF1);
* steps/sec: a ``global_step/sec`` scalar at the same interval;
* checkpoints: ``saver.save(sess, logdir/model.ckpt, global_step)`` every
  ``save_model_secs``.

``managed_session`` swallows ``OutOfRangeError`` raised in its block (a clean stop) and
re-raises any other error after stopping the threads; on exit it closes the writer and
the session.

Example:
    >>> sv = Supervisor(logdir=path)
    >>> with sv.managed_session() as sess:
    ...     while not sv.should_stop():
    ...         sess.run(train_op)
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.training import queue_runner, training_util
from trainkit.training.coordinator import Coordinator
from trainkit.training.session_manager import SessionManager

_LOG = logging.getLogger("trainkit.supervisor")


class _Looper(threading.Thread):
    """Calls ``target(*args)`` at once and then every ``interval`` seconds (back to back
    when ``interval`` is None) until the coordinator stops; errors go to the coordinator."""

    def __init__(self, coord: Coordinator, interval: float | None,
                 target: Callable[..., Any], args: tuple = ()):
        super().__init__(daemon=True)
        self._coord, self._interval, self._target, self._args = coord, interval, target, args
        coord.register_thread(self)

    def run(self) -> None:
        with self._coord.stop_on_exception():
            if self._interval is None:
                while not self._coord.should_stop():
                    self._target(*self._args)
                return
            next_time = time.time()
            while not self._coord.wait_for_stop(max(0.0, next_time - time.time())):
                next_time += self._interval
                self._target(*self._args)


class Supervisor:
    """A training session manager with checkpoints, summaries and queue runners.

    Arguments left at ``Supervisor.USE_DEFAULT`` are taken from the graph collection of
    their name or built (``global_variables_initializer``, ``report_uninitialized_variables``,
    ``local_variables_initializer``, a ``Saver``, ``summary.merge_all``, the global step);
    ``None`` turns the item off.
    """

    USE_DEFAULT = 0

    def __init__(self, graph: Any = None, ready_op: Any = USE_DEFAULT,
                 ready_for_local_init_op: Any = USE_DEFAULT, is_chief: bool = True,
                 init_op: Any = USE_DEFAULT, init_feed_dict: dict | None = None,
                 local_init_op: Any = USE_DEFAULT, logdir: str | None = None,
                 summary_op: Any = USE_DEFAULT, saver: Any = USE_DEFAULT,
                 global_step: Any = USE_DEFAULT, save_summaries_secs: float = 120,
                 save_model_secs: float = 600, recovery_wait_secs: float = 30,
                 stop_grace_secs: float = 120, checkpoint_basename: str = "model.ckpt",
                 session_manager: SessionManager | None = None,
                 summary_writer: Any = USE_DEFAULT, init_fn: Callable | None = None,
                 local_init_run_options: Any = None):
        self._graph = graph if graph is not None else get_default_graph()
        with self._graph.as_default():
            self._ready_op = self._default(ready_op, GraphKeys.READY_OP, _report_all)
            self._ready_for_local_init_op = self._default(
                ready_for_local_init_op, GraphKeys.READY_FOR_LOCAL_INIT_OP, _report_global)
            self._init_op = self._default(init_op, GraphKeys.INIT_OP, _init_all)
            self._local_init_op = self._default(local_init_op, GraphKeys.LOCAL_INIT_OP,
                                                _init_local)
            self._saver = self._default(saver, GraphKeys.SAVERS, _new_saver)
            self._summary_op = self._default(summary_op, GraphKeys.SUMMARY_OP, _merge_all)
            if global_step is Supervisor.USE_DEFAULT:
                global_step = training_util.get_global_step(self._graph)
            self._global_step = global_step
        self._is_chief = is_chief
        self._coord = Coordinator()
        self._init_feed_dict = init_feed_dict
        self._init_fn = init_fn
        self._logdir = logdir
        self._save_summaries_secs = save_summaries_secs
        self._save_model_secs = save_model_secs
        self._stop_grace_secs = stop_grace_secs
        self._save_path = os.path.join(logdir, checkpoint_basename) if logdir else None
        if summary_writer is Supervisor.USE_DEFAULT:
            summary_writer = None
            if logdir:
                from trainkit.summary.writer import FileWriter

                summary_writer = FileWriter(logdir)
        self._summary_writer = summary_writer
        self._session_manager = session_manager or SessionManager(
            local_init_op=self._local_init_op, ready_op=self._ready_op,
            ready_for_local_init_op=self._ready_for_local_init_op, graph=self._graph,
            recovery_wait_secs=recovery_wait_secs,
            local_init_run_options=local_init_run_options)
        self._graph.finalize()

    def _default(self, value: Any, key: str, build: Callable[[], Any]) -> Any:
        """TF1's rule: USE_DEFAULT -> first item of the collection, else built and added."""
        if value is not Supervisor.USE_DEFAULT:
            return value
        found = self._graph.get_collection(key)
        if found:
            return found[0]
        value = build()
        if value is not None:
            self._graph.add_to_collection(key, value)
        return value

    # -- properties ---------------------------------------------------------------------
    is_chief = property(lambda self: self._is_chief)
    coord = property(lambda self: self._coord)
    session_manager = property(lambda self: self._session_manager)
    init_op = property(lambda self: self._init_op)
    init_feed_dict = property(lambda self: self._init_feed_dict)
    ready_op = property(lambda self: self._ready_op)
    ready_for_local_init_op = property(lambda self: self._ready_for_local_init_op)
    summary_op = property(lambda self: self._summary_op)
    summary_writer = property(lambda self: self._summary_writer)
    saver = property(lambda self: self._saver)
    global_step = property(lambda self: self._global_step)
    save_path = property(lambda self: self._save_path)
    save_summaries_secs = property(lambda self: self._save_summaries_secs)
    save_model_secs = property(lambda self: self._save_model_secs)

    # -- sessions -----------------------------------------------------------------------
    def prepare_or_wait_for_session(self, master: str = "", config: Any = None,
                                    wait_for_checkpoint: bool = False,
                                    max_wait_secs: float = 7200,
                                    start_standard_services: bool = True) -> Any:
        """The chief restores or initializes a session (and writes the graph); others wait
        for the chief; then the services and queue runners are started."""
        self._coord.clear_stop()
        if self._summary_writer is not None:
            self._summary_writer.reopen()
        if self._is_chief:
            sess = self._session_manager.prepare_session(
                master, init_op=self._init_op, saver=self._saver,
                checkpoint_dir=self._logdir, wait_for_checkpoint=wait_for_checkpoint,
                max_wait_secs=max_wait_secs, config=config,
                init_feed_dict=self._init_feed_dict, init_fn=self._init_fn)
            self._write_graph()
            if start_standard_services:
                self.start_standard_services(sess)
        else:
            sess = self._session_manager.wait_for_session(master, config=config,
                                                          max_wait_secs=max_wait_secs)
        if start_standard_services:
            self.start_queue_runners(sess)
        return sess

    def _write_graph(self) -> None:
        if self._logdir:
            from trainkit.training.meta_graph import write_graph

            write_graph(self._graph, self._logdir, "graph.pbtxt")
        if self._summary_writer is not None:
            self._summary_writer.add_graph(self._graph)

    def start_standard_services(self, sess: Any) -> list[threading.Thread]:
        """Starts the summary, steps/sec and checkpoint threads (chief only; nothing
        without a ``logdir``)."""
        if not self._is_chief:
            raise RuntimeError("Only chief supervisor can start standard services. "
                               "Because only chief supervisors can write events.")
        if not self._logdir:
            _LOG.warning("Standard services need a 'logdir' passed to the SessionManager")
            return []
        from trainkit import summary

        if self._global_step is not None and self._summary_writer is not None:
            step = training_util.global_step(sess, self._global_step)
            self._summary_writer.add_session_log(
                summary.SessionLog(status=summary.SessionLog.START), step)
        threads = []
        if self._save_summaries_secs and self._summary_writer is not None:
            if self._summary_op is not None:
                threads.append(self.loop(self._save_summaries_secs, self._write_summaries,
                                         (sess,), start=False))
            if self._global_step is not None:
                threads.append(self.loop(self._save_summaries_secs, _StepCounter(self, sess),
                                         start=False))
        if self._saver is not None and self._save_model_secs:
            threads.append(self.loop(self._save_model_secs, self._checkpoint, (sess,),
                                     start=False))
        for t in threads:
            t.start()
        return threads

    def _write_summaries(self, sess: Any) -> None:
        if self._global_step is not None:
            value, step = sess.run([self._summary_op, self._global_step])
        else:
            value, step = sess.run(self._summary_op), None
        if self._summary_writer is not None:
            self._summary_writer.add_summary(value, step)

    def _checkpoint(self, sess: Any) -> None:
        self._saver.save(sess, self._save_path, global_step=self._global_step)
        if self._summary_writer is not None and self._global_step is not None:
            from trainkit import summary

            step = training_util.global_step(sess, self._global_step)
            self._summary_writer.add_session_log(summary.SessionLog(
                status=summary.SessionLog.CHECKPOINT, checkpoint_path=self._save_path), step)

    def start_queue_runners(self, sess: Any, queue_runners: list | None = None
                            ) -> list[threading.Thread]:
        """Starts the graph's queue runners (or ``queue_runners``) under the coordinator."""
        if queue_runners is None:
            return queue_runner.start_queue_runners(sess, coord=self._coord)
        threads = []
        for qr in queue_runners:
            threads.extend(qr.create_threads(sess, coord=self._coord, daemon=True,
                                             start=True))
        return threads

    def loop(self, timer_interval_secs: float | None, target: Callable[..., Any],
             args: tuple = (), kwargs: dict | None = None, start: bool = True
             ) -> threading.Thread:
        """A coordinator-registered thread calling ``target`` every interval."""
        call = (lambda *a: target(*a, **kwargs)) if kwargs else target
        thread = _Looper(self._coord, timer_interval_secs, call, args)
        if start:
            thread.start()
        return thread

    @contextlib.contextmanager
    def managed_session(self, master: str = "", config: Any = None,
                        start_standard_services: bool = True,
                        close_summary_writer: bool = True) -> Iterator[Any]:
        """A ready session for the ``with`` block; stops the threads and closes the session
        at its end (``OutOfRangeError`` in the block is a clean stop)."""
        sess = None
        try:
            sess = self.prepare_or_wait_for_session(
                master=master, config=config,
                start_standard_services=start_standard_services)
            yield sess
        except Exception as e:  # noqa: BLE001 - handed to the coordinator, as TF1 does
            self.request_stop(e)
        finally:
            try:
                self.stop(close_summary_writer=close_summary_writer)
            finally:
                if sess is not None:
                    with contextlib.suppress(Exception):
                        sess.close()

    # -- stopping -----------------------------------------------------------------------
    def stop(self, threads: list | None = None, close_summary_writer: bool = True,
             ignore_live_threads: bool = False) -> None:
        """Requests a stop, joins the threads (re-raising a reported error) and closes the
        summary writer."""
        self._coord.request_stop()
        try:
            self._coord.join(threads, stop_grace_period_secs=self._stop_grace_secs,
                             ignore_live_threads=ignore_live_threads)
        finally:
            if close_summary_writer and self._summary_writer is not None:
                from trainkit import summary

                self._summary_writer.add_session_log(
                    summary.SessionLog(status=summary.SessionLog.STOP))
                self._summary_writer.close()

    def request_stop(self, ex: Any = None) -> None:
        """Asks the coordinator to stop (``ex`` is re-raised by :meth:`stop`)."""
        self._coord.request_stop(ex)

    def should_stop(self) -> bool:
        """True once a stop was requested."""
        return self._coord.should_stop()

    def stop_on_exception(self) -> Any:
        """The coordinator's ``stop_on_exception`` context."""
        return self._coord.stop_on_exception()

    def wait_for_stop(self) -> None:
        """Blocks until a stop is requested."""
        self._coord.wait_for_stop()

    def summary_computed(self, sess: Any, summary: Any, global_step: Any = None) -> None:
        """Writes a summary computed by the caller (at the current global step by default).

        Raises:
            RuntimeError: without a summary writer.
        """
        if self._summary_writer is None:
            raise RuntimeError("Writing a summary requires a summary writer.")
        if global_step is None and self._global_step is not None:
            global_step = training_util.global_step(sess, self._global_step)
        self._summary_writer.add_summary(summary, global_step)


class _StepCounter:
    """The ``global_step/sec`` service: steps per second since its previous pass."""

    def __init__(self, sv: Supervisor, sess: Any):
        self._sv, self._sess = sv, sess
        self._last: tuple[float, int] | None = None

    def __call__(self) -> None:
        from trainkit import summary

        now = time.time()
        step = training_util.global_step(self._sess, self._sv.global_step)
        if self._last is not None and now > self._last[0]:
            rate = (step - self._last[1]) / (now - self._last[0])
            tag = f"{self._sv.global_step.op.name}/sec"
            self._sv.summary_writer.add_summary(
                summary.Summary(value=[summary.Summary.Value(tag=tag, simple_value=rate)]),
                step)
        self._last = (now, step)


def _report_all() -> Any:
    from trainkit.ops import state_ops

    return state_ops.report_uninitialized_variables()


def _report_global() -> Any:
    from trainkit.ops import state_ops

    return state_ops.report_uninitialized_variables(state_ops.global_variables())


def _init_all() -> Any:
    from trainkit.ops import state_ops

    return state_ops.global_variables_initializer()


def _init_local() -> Any:
    from trainkit.ops import control_flow_ops, state_ops

    # as TF's Supervisor: local variables and lookup tables
    return control_flow_ops.group(state_ops.local_variables_initializer(),
                                  state_ops.tables_initializer())


def _new_saver() -> Any:
    from trainkit.ops import state_ops
    from trainkit.training.saver import Saver

    return Saver() if state_ops.global_variables() else None


def _merge_all() -> Any:
    from trainkit import summary

    return summary.merge_all()
