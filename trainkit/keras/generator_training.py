"""``Model.fit_generator`` and ``Model.evaluate_generator``: Keras's loops over Python
generators of ``(x, y)`` or ``(x, y, sample_weight)`` batches (tf_keras's v1 generator
loops, run in this process; ``class_weight`` applies to every training batch:
``workers``/``use_multiprocessing``/``max_queue_size`` are accepted and ignored).

Each epoch takes ``steps_per_epoch`` batches with ``next(generator)`` (default
``len(generator)``); the epoch's ``loss`` is the mean of the batch losses over the steps
(not weighted by batch size, as tf_keras's step-counted loops average), each metric the
running mean over the epoch's examples. ``validation_data`` is a generator (evaluated for
``validation_steps`` batches, averaged the same way) or an ``(x, y)`` or
``(x, y, sample_weight)`` tuple of arrays.
Callbacks get the parameters ``epochs``, ``steps``, ``verbose``, ``do_validation`` and
``metrics`` (``samples`` and ``batch_size`` are None).

Example:
    >>> gen = tk.keras.preprocessing.image.ImageDataGenerator(rotation_range=8)
    >>> model.fit_generator(gen.flow(x, y, batch_size=32), steps_per_epoch=10, epochs=2)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.keras import callbacks as cbks
from trainkit.keras.training import NOT_COMPILED


def _steps(generator: Any, steps: int | None, what: str) -> int:
    if steps is None:
        if not hasattr(generator, "__len__"):
            raise ValueError(f"`{what}=None` is only valid for a generator with a length "
                             f"(a keras.utils.Sequence or an ImageDataGenerator flow). "
                             f"Please specify `{what}`.")
        steps = len(generator)
    if not isinstance(steps, int | np.integer) or steps < 1:
        raise ValueError(f"{what} must be an int >= 1, got {steps!r}.")
    return int(steps)


def _unpack(batch: Any) -> tuple[Any, Any, Any]:
    if not isinstance(batch, tuple | list) or len(batch) not in (2, 3):
        raise ValueError("Output of generator should be a tuple `(x, y, sample_weight)` or "
                         f"`(x, y)`. Found: {batch!r:.200}")
    return batch[0], batch[1], batch[2] if len(batch) == 3 else None


class GeneratorMixin:
    """``fit_generator``/``evaluate_generator`` for :class:`~trainkit.keras.Model` (uses
    the array loops' batch runner of ``TrainingMixin``)."""

    def _generator_batch(self, generator: Any, training: bool,
                         class_weight: Any = None) -> tuple[list, int]:
        x, y, w = _unpack(next(generator))
        xs, ys, ws, n = self._standardize(x, y, w, class_weight)
        return self._run_batch(xs, ys, ws, training), n

    def _generator_test(self, generator: Any, steps: int,
                        clist: cbks.CallbackList | None) -> list:
        self.reset_metrics()
        loss_sum, outs = 0.0, [np.float32(0)]
        for b in range(steps):
            blogs = {"batch": b}
            if clist is not None:
                clist.call("on_test_batch_begin", b, blogs)
            outs, blogs["size"] = self._generator_batch(generator, False)
            loss_sum += float(outs[0])
            if clist is not None:
                blogs.update({k: float(v) for k, v in zip(self.metrics_names, outs)})
                clist.call("on_test_batch_end", b, blogs)
        return [np.float32(loss_sum / steps)] + list(outs[1:])

    def fit_generator(self, generator: Any, steps_per_epoch: int | None = None,
                      epochs: int = 1, verbose: int = 1, callbacks: list | None = None,
                      validation_data: Any = None, validation_steps: int | None = None,
                      validation_freq: int = 1, class_weight: Any = None,
                      max_queue_size: int = 10, workers: int = 1,
                      use_multiprocessing: bool = False, shuffle: bool = True,
                      initial_epoch: int = 0) -> cbks.History:
        """Trains on the generator's batches for ``epochs`` epochs; returns ``History``.

        Raises:
            RuntimeError: if the model was not compiled.
            ValueError: for missing or bad step counts, or batches that are not
                ``(x, y)``.
        """
        if self._compile_args is None:
            raise RuntimeError(NOT_COMPILED)
        if self.outputs is None:
            raise ValueError("fit_generator needs a built model: give the first layer an "
                             "input_shape (or build the model) first.")
        steps = _steps(generator, steps_per_epoch, "steps_per_epoch")
        val_gen = validation_data is not None and hasattr(validation_data, "__next__")
        if val_gen:
            val_steps = _steps(validation_data, validation_steps, "validation_steps")
        elif validation_data is not None:
            if not isinstance(validation_data, list | tuple) or len(validation_data) not in \
                    (2, 3):
                raise ValueError("validation_data must be a generator or an (x_val, y_val) "
                                 "or (x_val, y_val, val_sample_weights) tuple, got "
                                 f"{type(validation_data).__name__}.")
            val_arrays = self._standardize(*validation_data)[:3]
        history = cbks.History()
        user = list(callbacks or [])
        cbks.CallbackList(user)     # type-checks the user's list with their indices
        chain = [cbks.BaseLogger(), *user, history] + ([cbks.ProgbarLogger()] if verbose else [])
        self._compiled_graph()
        names = self.metrics_names
        do_val = validation_data is not None
        params = {"batch_size": None, "epochs": epochs, "steps": steps, "samples": None,
                  "verbose": verbose, "do_validation": do_val,
                  "metrics": names + [f"val_{m}" for m in names] if do_val else names}
        clist = cbks.CallbackList(chain, self, params)
        self.history, self.stop_training = history, False
        clist.call("on_train_begin", {})
        for epoch in range(initial_epoch, epochs):
            if self.stop_training:
                break
            self.reset_metrics()
            clist.call("on_epoch_begin", epoch, {})
            loss_sum, outs, done = 0.0, [], 0
            for b in range(steps):
                blogs: dict = {"batch": b}
                clist.call("on_train_batch_begin", b, blogs)
                outs, blogs["size"] = self._generator_batch(generator, True, class_weight)
                loss_sum, done = loss_sum + float(outs[0]), done + 1
                blogs.update({k: float(v) for k, v in zip(names, outs)})
                clist.call("on_train_batch_end", b, blogs)
                if self.stop_training:
                    break
            logs = {"loss": loss_sum / done}
            logs.update({k: float(v) for k, v in zip(names[1:], outs[1:])})
            if do_val and not self.stop_training and (epoch + 1) % validation_freq == 0:
                v = self._generator_test(validation_data, val_steps, clist) if val_gen \
                    else self._test_loop(val_arrays, 32, clist)
                logs.update({f"val_{k}": float(r) for k, r in zip(names, v)})
            clist.call("on_epoch_end", epoch, logs)
        clist.call("on_train_end", {})
        return history

    def evaluate_generator(self, generator: Any, steps: int | None = None,
                           callbacks: list | None = None, max_queue_size: int = 10,
                           workers: int = 1, use_multiprocessing: bool = False,
                           verbose: int = 0) -> Any:
        """The loss (or ``[loss, *metrics]``) over ``steps`` batches of the generator.

        Raises:
            RuntimeError: if the model was not compiled.
            ValueError: for a missing or bad ``steps``, or batches that are not ``(x, y)``.
        """
        if self._compile_args is None:
            raise RuntimeError(NOT_COMPILED)
        steps = _steps(generator, steps, "steps")
        clist = cbks.CallbackList(list(callbacks or []), self, {"verbose": verbose})
        clist.call("on_test_begin", {})
        res = self._generator_test(generator, steps, clist)
        clist.call("on_test_end", dict(zip(self.metrics_names, map(float, res))))
        return res[0] if len(res) == 1 else res


__all__ = ["GeneratorMixin"]
