"""The exporters ``train_and_evaluate`` runs after each evaluation (``EvalSpec(exporters=
...)``): ``FinalExporter`` (the last evaluation only), ``LatestExporter`` (every one, the
newest ``exports_to_keep`` kept) and ``BestExporter`` (when the evaluation beats every
earlier one by ``compare_fn``, default: a smaller ``loss``; earlier results are read from
the evaluation's event files, so a restarted job remembers its best). Each writes
``Estimator.export_saved_model`` into ``<model_dir>/export/<name>/<timestamp>``.

Example:
    >>> exporter = tf.estimator.LatestExporter("serving", serving_input_receiver_fn)
    >>> tf.estimator.EvalSpec(eval_input_fn, exporters=[exporter])
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
from collections.abc import Callable
from typing import Any

from trainkit import errors
from trainkit.summary.event_reader import summary_iterator

_LOG = logging.getLogger("trainkit.estimator")


class Exporter:
    """Base class: ``name`` and ``export(estimator, export_path, checkpoint_path,
    eval_result, is_the_final_export)`` returning the export directory or None."""

    @property
    def name(self) -> str:
        """The directory name under ``<model_dir>/export``."""
        raise NotImplementedError("Exporter subclasses define name.")

    def export(self, estimator: Any, export_path: str, checkpoint_path: str,
               eval_result: dict, is_the_final_export: bool) -> Any:
        """Exports ``checkpoint_path`` under ``export_path`` (or not)."""
        raise NotImplementedError("Exporter subclasses define export.")


class _SavedModelExporter(Exporter):
    def __init__(self, name: str, serving_input_receiver_fn: Callable[..., Any],
                 assets_extra: dict | None = None, as_text: bool = False):
        self._name = name
        self._receiver_fn = serving_input_receiver_fn
        self._assets_extra = assets_extra
        self._as_text = bool(as_text)

    @property
    def name(self) -> str:
        return self._name

    def _write(self, estimator: Any, export_path: str, checkpoint_path: str) -> Any:
        return estimator.export_saved_model(export_path, self._receiver_fn,
                                            assets_extra=self._assets_extra,
                                            as_text=self._as_text,
                                            checkpoint_path=checkpoint_path)


def _check_keep(exports_to_keep: int | None) -> None:
    if exports_to_keep is not None and exports_to_keep <= 0:
        raise ValueError("`exports_to_keep`, if provided, must be positive number")


def _garbage_collect(export_path: str, keep: int | None) -> None:
    """Deletes all but the ``keep`` newest timestamped exports in ``export_path``."""
    if keep is None or not os.path.isdir(export_path):
        return
    stamps = sorted((int(d) for d in os.listdir(export_path) if d.isdigit()), reverse=True)
    for old in stamps[keep:]:
        shutil.rmtree(os.path.join(export_path, str(old)), ignore_errors=True)


class FinalExporter(_SavedModelExporter):
    """Exports once, after the last evaluation of ``train_and_evaluate``."""

    def export(self, estimator: Any, export_path: str, checkpoint_path: str,
               eval_result: dict, is_the_final_export: bool) -> Any:
        if not is_the_final_export:
            return None
        return self._write(estimator, export_path, checkpoint_path)


class LatestExporter(_SavedModelExporter):
    """Exports after every evaluation, keeping the newest ``exports_to_keep`` (None:
    all).

    Raises:
        ValueError: a non-positive ``exports_to_keep``.
    """

    def __init__(self, name: str, serving_input_receiver_fn: Callable[..., Any],
                 assets_extra: dict | None = None, as_text: bool = False,
                 exports_to_keep: int | None = 5):
        _check_keep(exports_to_keep)
        super().__init__(name, serving_input_receiver_fn, assets_extra, as_text)
        self._keep = exports_to_keep

    def export(self, estimator: Any, export_path: str, checkpoint_path: str,
               eval_result: dict, is_the_final_export: bool) -> Any:
        result = self._write(estimator, export_path, checkpoint_path)
        _garbage_collect(export_path, self._keep)
        return result


def _loss_smaller(best_eval_result: dict, current_eval_result: dict) -> bool:
    """TF's default ``compare_fn``: whether the current ``loss`` is smaller.

    Raises:
        ValueError: either result lacks ``loss``.
    """
    if not best_eval_result or "loss" not in best_eval_result:
        raise ValueError("best_eval_result cannot be empty or no loss is found in it.")
    if not current_eval_result or "loss" not in current_eval_result:
        raise ValueError("current_eval_result cannot be empty or no loss is found in it.")
    return best_eval_result["loss"] > current_eval_result["loss"]


class BestExporter(_SavedModelExporter):
    """Exports when an evaluation is better than every earlier one (``compare_fn(best,
    current)``), keeping the newest ``exports_to_keep`` exports. The first time it runs
    it reads the best earlier result from the event files matching
    ``event_file_pattern`` under the model directory.

    Raises:
        ValueError: no ``compare_fn``, or a non-positive ``exports_to_keep``.
    """

    def __init__(self, name: str = "best_exporter",
                 serving_input_receiver_fn: Callable[..., Any] | None = None,
                 event_file_pattern: str = "eval/*.tfevents.*",
                 compare_fn: Callable[[dict, dict], bool] | None = _loss_smaller,
                 assets_extra: dict | None = None, as_text: bool = False,
                 exports_to_keep: int | None = 5):
        if not compare_fn:
            raise ValueError("`compare_fn` must not be None.")
        _check_keep(exports_to_keep)
        super().__init__(name, serving_input_receiver_fn, assets_extra, as_text)
        self._compare_fn = compare_fn
        self._event_file_pattern = event_file_pattern
        self._keep = exports_to_keep
        self._best: dict | None = None
        self._model_dir: str | None = None

    def export(self, estimator: Any, export_path: str, checkpoint_path: str,
               eval_result: dict, is_the_final_export: bool) -> Any:
        if self._model_dir != estimator.model_dir and self._event_file_pattern:
            self._model_dir = estimator.model_dir
            self._best = _best_from_events(
                os.path.join(estimator.model_dir, self._event_file_pattern),
                self._compare_fn)
        if self._best is not None and not self._compare_fn(self._best, eval_result):
            return None
        self._best = dict(eval_result)
        result = self._write(estimator, export_path, checkpoint_path)
        _garbage_collect(export_path, self._keep)
        return result


def _best_from_events(pattern: str, compare_fn: Callable[[dict, dict], bool]) -> dict | None:
    """The best evaluation written to the event files matching ``pattern``."""
    best: dict | None = None
    for path in sorted(glob.glob(pattern)):
        results: dict[int, dict] = {}
        try:
            for event in summary_iterator(path):
                for value in getattr(event.summary, "value", []):
                    if value.HasField("simple_value"):
                        results.setdefault(event.step, {})[value.tag] = value.simple_value
        except (OSError, ValueError, errors.OpError) as e:   # keep what was read
            _LOG.warning("BestExporter: stopped reading %s (%s).", path, e)
        for result in results.values():
            if "loss" in result or compare_fn is not _loss_smaller:
                try:
                    if best is None or compare_fn(best, result):
                        best = result
                except (KeyError, ValueError):
                    continue
    return best


def check_exporters(exporters: Any) -> tuple[Exporter, ...]:
    """``EvalSpec``'s ``exporters`` as a tuple (TF 1.15's checks and messages).

    Raises:
        TypeError: an item is not an ``Exporter``.
        ValueError: a repeated name, or a ``None`` one.
    """
    if exporters is None:
        return ()
    items = (exporters,) if isinstance(exporters, Exporter) else tuple(exporters)
    if not all(isinstance(e, Exporter) for e in items):
        raise TypeError(f"`exporters` must be an Exporter, an iterable of Exporter, or "
                        f"`None`, found {exporters}.")
    names = [e.name for e in items]
    if None in names or len(set(names)) != len(names):
        raise ValueError(f"`exporters` must have unique names. Such a name cannot be "
                         f"`None`. All exporter names: {names}")
    return items


__all__ = ["Exporter", "FinalExporter", "LatestExporter", "BestExporter", "check_exporters"]
