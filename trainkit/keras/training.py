"""Keras's training API on NumPy arrays in TF1 graph mode (tf_keras's v1 array loops):
``compile``, ``fit``, ``evaluate``, ``predict`` and the ``*_on_batch`` methods, run in
``tk.keras.backend.get_session()`` (which first initializes the variables not yet
initialized there, the optimizer's included).

The loops follow tf_keras: batches of ``batch_size`` in order (the last one partial),
reshuffled each epoch with NumPy's global RNG when ``shuffle`` is set (trainkit's order
then cannot equal TF's: pass ``shuffle=False`` to compare numbers); the epoch's ``loss``
is the mean of the batch losses weighted by batch size, each metric the running mean
over the epoch's examples (reset at the start of each epoch and of each evaluation);
``validation_split`` holds out the last fraction of the arrays (and of their weights);
as in tf_keras, ``fit``'s validation visits them in an order drawn with
``np.random.shuffle`` (its test loop keeps the default ``shuffle=True``), which advances
NumPy's global RNG once per validation even with ``shuffle=False``.
``fit`` returns the ``History`` callback. ``sample_weight``/``class_weight`` become one
weight array per output (``sample_weights.py``) fed to the placeholders ``compile``
made (``compiled.py``); ``tk.data`` datasets go through ``dataset_inputs.py``.

Differs from TF: metric state lives in Python (float32 running sums), not in graph
variables; tf_keras's stale test function after a change of weighting (see
``docs/internals.md``) is not reproduced.

Example:
    >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
    ...               metrics=["accuracy"])
    >>> history = model.fit(x_train, y_train, epochs=5)
    >>> loss, acc = model.evaluate(x_test, y_test)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework.tensor import Tensor
from trainkit.keras import arrays, backend, compiled, dataset_inputs, optimizers, sample_weights
from trainkit.keras import callbacks as cbks
from trainkit.keras import losses as losses_mod
from trainkit.training.saver import Saver

NOT_COMPILED = ("You must compile your model before training/testing. Use "
                "`model.compile(optimizer, loss)`.")


class _MetricState:
    """Running float32 sums and counts of the compiled metrics."""

    def __init__(self, n: int):
        self.total = np.zeros(n, np.float32)
        self.count = np.zeros(n, np.float32)

    def update(self, totals: list, counts: list) -> None:
        self.total += np.asarray(totals, np.float32)
        self.count += np.asarray(counts, np.float32)

    def results(self) -> list:
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(self.count > 0, self.total / self.count, np.float32(0))
        return [np.float32(v) for v in r]


class TrainingMixin:
    """``compile``/``fit``/``evaluate``/``predict`` for :class:`~trainkit.keras.Model`."""

    _compile_args: dict | None = None
    _compiled: compiled.CompiledGraph | None = None
    _metric_state: _MetricState | None = None
    stop_training: bool = False
    optimizer: Any = None
    history: Any = None

    # -- compile -----------------------------------------------------------------------
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, metrics: Any = None,
                loss_weights: Any = None, sample_weight_mode: Any = None,
                weighted_metrics: Any = None, target_tensors: Any = None,
                **kwargs: Any) -> None:
        """Sets the optimizer, loss(es) and metrics; builds the loss and metric tensors
        (at once when the model's input is known, else on the first ``fit``).

        Raises:
            ValueError: for an unknown optimizer, loss or metric name.
            TypeError: for an unknown keyword argument.
        """
        for key in kwargs:
            if key not in ("run_eagerly", "steps_per_execution", "jit_compile"):
                raise TypeError(f"Invalid keyword argument(s) in `compile()`: {key}.")
        if target_tensors is not None:
            raise NotImplementedError("trainkit.keras compile: target_tensors is not "
                                      "supported.")
        for mode in sample_weight_mode.values() if isinstance(sample_weight_mode, dict) \
                else sample_weight_mode if isinstance(sample_weight_mode, list | tuple) \
                else [sample_weight_mode]:
            sample_weights.check_mode(mode)
        self.optimizer = optimizers.get(optimizer)
        for name in loss.values() if isinstance(loss, dict) else \
                loss if isinstance(loss, list | tuple) else [loss]:
            if name is not None:
                losses_mod.for_compile(name)
        self._compile_args = {"loss": loss, "metrics": metrics, "loss_weights": loss_weights,
                              "weighted_metrics": weighted_metrics,
                              "sample_weight_mode": sample_weight_mode}
        self._compiled = None
        if self.outputs is not None:
            self._compiled_graph()

    def _compiled_graph(self) -> compiled.CompiledGraph:
        if self._compile_args is None:
            raise RuntimeError(NOT_COMPILED)
        if self._compiled is None:
            self._compiled = compiled.build(self, **self._compile_args)
            self._metric_state = _MetricState(len(self._compiled.metrics))
        return self._compiled

    @property
    def metrics_names(self) -> list[str]:
        """``['loss']`` then the metric names (empty before compiling)."""
        return [] if self._compiled is None else self._compiled.metrics_names

    def reset_metrics(self) -> None:
        """Clears the metrics' running means."""
        if self._compiled is not None:
            self._metric_state = _MetricState(len(self._compiled.metrics))

    # -- running one batch ----------------------------------------------------------------
    def _feed(self, xs: list, ys: list, ws: list, training: bool) -> dict:
        feed = dict(zip(self.inputs, xs))
        if ys:
            feed.update((t, y) for t, y in zip(self._compiled.targets, ys) if y is not None)
        for w, ph in zip(ws or [], self._compiled.sample_weights):
            if w is not None and ph is not None:
                feed[ph] = np.asarray(w, np.float32)
        phase = backend.learning_phase()
        if training and isinstance(phase, Tensor):
            feed[phase] = True
        return feed

    def _run_batch(self, xs: list, ys: list, ws: list, training: bool) -> list:
        """Runs one batch; returns ``[loss, *metric running means]``."""
        graph = self._compiled_graph()
        if training and graph.train_op is None:
            graph.train_op = compiled.make_train_op(self, graph, self.optimizer)
        fetches = [graph.total_loss, [m.total for m in graph.metrics],
                   [m.count for m in graph.metrics]]
        if training:
            fetches.append(graph.train_op)
        sess = backend.get_session()
        out = sess.run(fetches, self._feed(xs, ys, ws, training))
        self._metric_state.update(out[1], out[2])
        return [np.float32(out[0])] + self._metric_state.results()

    def _standardize(self, x: Any, y: Any, sample_weight: Any = None,
                     class_weight: Any = None) -> tuple[list, list, list, int]:
        """The inputs, targets and per-output weights as checked lists, and the sample
        count."""
        if self.inputs is None and x is not None:
            self._build_for_data(*arrays.data_spec(x))
        graph = self._compiled_graph()
        xs = arrays.check_shapes(arrays.as_list(x, self.input_names, "input"), self.inputs,
                           self.input_names, "input")
        if y is None and all(fn is None for fn in graph.loss_fns):
            # compiled on add_loss losses alone: no targets to feed (tf_keras's VAE form)
            n = arrays.check_lengths(xs, [])
            return xs, [None] * len(self.outputs), [None] * len(self.outputs), n
        if y is None:
            raise ValueError("Target data is missing. Your model was compiled with a loss, "
                             "and therefore expects target data to be passed in `fit()`.")
        ys = arrays.check_shapes(arrays.as_list(y, self.output_names, "target"), graph.targets,
                           self.output_names, "target")
        ws = sample_weights.standardize(ys, graph.sample_weight_modes, sample_weight,
                                        class_weight, self.output_names)
        n = arrays.check_lengths(xs, ys)
        for yarr, out, fn in zip(ys, self.outputs, graph.loss_fns):
            arrays.check_target(yarr, out, fn)
        return xs, ys, ws, n

    # -- the loops -----------------------------------------------------------------------
    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None,
            epochs: int = 1, verbose: int = 1, callbacks: list | None = None,
            validation_split: float = 0.0, validation_data: Any = None,
            shuffle: bool = True, class_weight: Any = None, sample_weight: Any = None,
            initial_epoch: int = 0, steps_per_epoch: int | None = None,
            validation_steps: int | None = None, validation_freq: int = 1,
            **kwargs: Any) -> cbks.History:
        """Trains for ``epochs`` epochs; returns the ``History`` callback. ``x`` may be a
        ``tk.data.Dataset`` of ``(x, y)`` or ``(x, y, sample_weight)`` batches (see
        ``dataset_training``).

        Raises:
            RuntimeError: if the model was not compiled.
            ValueError: for arrays that do not fit the model or each other, bad weights,
                or a bad ``validation_split``/``validation_data``.
        """
        if self._compile_args is None:
            raise RuntimeError(NOT_COMPILED)
        if dataset_inputs.is_dataset_like(x):
            return self._fit_dataset(x, y, batch_size, epochs, verbose, callbacks,
                                     validation_split, validation_data, class_weight,
                                     sample_weight, initial_epoch, steps_per_epoch,
                                     validation_steps, validation_freq)
        if not 0.0 <= validation_split < 1.0:
            raise ValueError(f"validation_split must be in [0, 1), got {validation_split}.")
        xs, ys, ws, n = self._standardize(x, y, sample_weight, class_weight)
        val = None
        if validation_data is not None:
            if dataset_inputs.is_dataset_like(validation_data):
                val = self._val_dataset(validation_data, validation_steps, epochs)
            else:
                val = self._val_arrays(validation_data)
        elif validation_split:
            split = int(n * (1.0 - validation_split))
            val = tuple([None if a is None else a[split:] for a in part]
                        for part in (xs, ys, ws))
            xs, ys, ws = ([None if a is None else a[:split] for a in part]
                          for part in (xs, ys, ws))
            n = split
        elif validation_steps:
            raise ValueError("`validation_steps` should not be specified if "
                             "`validation_data` is None.")
        bs = batch_size or 32
        clist = self._fit_callbacks(callbacks, verbose, val is not None,
                                    {"batch_size": bs, "epochs": epochs,
                                     "steps": steps_per_epoch, "samples": n})
        if verbose and steps_per_epoch is None:
            print(f"Train on {n} samples" + (f", validate on {len(val[0][0])} samples"
                                             if isinstance(val, tuple) else ""))
        names = self.metrics_names
        clist.call("on_train_begin", {})
        for epoch in range(initial_epoch, epochs):
            if self.stop_training:
                break
            self.reset_metrics()
            clist.call("on_epoch_begin", epoch, {})
            logs = self._train_epoch((xs, ys, ws), n, bs, shuffle, steps_per_epoch, clist,
                                     names)
            if val is not None and not self.stop_training and \
                    (epoch + 1) % validation_freq == 0:
                v = self._validate(val, bs, clist, epoch < epochs - 1)
                logs.update({f"val_{k}": float(r) for k, r in zip(names, v)})
            clist.call("on_epoch_end", epoch, logs)
        clist.call("on_train_end", {})
        return self.history

    def _val_arrays(self, validation_data: Any) -> tuple:
        if not isinstance(validation_data, list | tuple) or len(validation_data) not in \
                (2, 3):
            n = len(validation_data) if hasattr(validation_data, "__len__") else 1
            raise ValueError("When passing validation_data, it must contain 2 (x_val, "
                             "y_val) or 3 (x_val, y_val, val_sample_weights) items, "
                             f"however it contains {n} items")
        vw = validation_data[2] if len(validation_data) == 3 else None
        return tuple(self._standardize(validation_data[0], validation_data[1], vw)[:3])

    def _validate(self, val: Any, bs: int, clist: cbks.CallbackList, more: bool) -> list:
        if isinstance(val, tuple):
            # tf_keras's fit runs its test loop with the loop's default shuffle=True: the
            # validation arrays are visited in a fresh np.random order each time.
            return self._test_loop(val, bs, clist, shuffle=True)
        return self._validate_dataset(val, clist, more)

    def _fit_callbacks(self, callbacks: list | None, verbose: int, do_val: bool,
                       params: dict) -> cbks.CallbackList:
        history = cbks.History()
        user = list(callbacks or [])
        cbks.CallbackList(user)     # type-checks the user's list with their indices
        chain = [cbks.BaseLogger(), *user, history] + ([cbks.ProgbarLogger()] if verbose else [])
        names = self.metrics_names
        params = dict(params, verbose=verbose, do_validation=do_val,
                      metrics=names + [f"val_{m}" for m in names] if do_val else names)
        self.history = history
        self.stop_training = False
        return cbks.CallbackList(chain, self, params)

    def _train_epoch(self, parts: tuple, n: int, bs: int, shuffle: Any,
                     steps: int | None, clist: cbks.CallbackList, names: list) -> dict:
        if steps is not None:   # tf_keras runs each step on the whole arrays
            batches = [np.arange(n)] * steps
        else:
            order = np.arange(n)
            if shuffle:
                np.random.shuffle(order)
            batches = [order[i:i + bs] for i in range(0, n, bs)]
        loss_sum, outs = 0.0, []
        for b, ids in enumerate(batches):
            blogs = {"batch": b, "size": len(ids)}
            clist.call("on_train_batch_begin", b, blogs)
            outs = self._run_batch(*_take(parts, ids), True)
            loss_sum += float(outs[0]) * (1 if steps is not None else len(ids))
            blogs.update({k: float(v) for k, v in zip(names, outs)})
            clist.call("on_train_batch_end", b, blogs)
            if self.stop_training:
                break
        logs = {"loss": loss_sum / (steps if steps is not None else n)}
        logs.update({k: float(v) for k, v in zip(names[1:], outs[1:])})
        return logs

    def _test_loop(self, parts: tuple, bs: int, clist: cbks.CallbackList | None,
                   shuffle: bool = False) -> list:
        self.reset_metrics()
        n = len(parts[0][0])
        order = np.arange(n)
        if shuffle:
            np.random.shuffle(order)
        loss_sum, outs = 0.0, [np.float32(0)]
        for b, start in enumerate(range(0, n, bs)):
            blogs = {"batch": b, "size": min(bs, n - start)}
            if clist is not None:
                clist.call("on_test_batch_begin", b, blogs)
            outs = self._run_batch(*_take(parts, order[start:start + bs]), False)
            loss_sum += float(outs[0]) * blogs["size"]
            if clist is not None:
                blogs.update({k: float(v) for k, v in zip(self.metrics_names, outs)})
                clist.call("on_test_batch_end", b, blogs)
        return [np.float32(loss_sum / n)] + list(outs[1:])

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None,
                 verbose: int = 1, sample_weight: Any = None, steps: int | None = None,
                 callbacks: list | None = None, **kwargs: Any) -> Any:
        """The loss (a scalar) or ``[loss, *metrics]`` on ``x, y`` (or a dataset).

        Raises:
            RuntimeError: if the model was not compiled.
            ValueError: for arrays that do not fit the model or each other, or bad
                weights.
        """
        if self._compile_args is None:
            raise RuntimeError(NOT_COMPILED)
        clist = cbks.CallbackList(list(callbacks or []), self, {"verbose": verbose})
        if dataset_inputs.is_dataset_like(x):
            dataset_inputs.check_no_extras(x, y, sample_weight, 0.0, batch_size, "evaluate")
            clist.call("on_test_begin", {})
            res = self._evaluate_dataset(x, steps, clist)
            n = "?"
        else:
            xs, ys, ws, n = self._standardize(x, y, sample_weight)
            clist.call("on_test_begin", {})
            res = self._test_loop((xs, ys, ws), batch_size or 32, clist)
        clist.call("on_test_end", dict(zip(self.metrics_names, map(float, res))))
        if verbose:
            body = cbks.format_logs(dict(zip(self.metrics_names, res)))
            print(f"{n}/{n} [{'=' * 30}] - {body}")
        return res[0] if len(res) == 1 else res

    def predict(self, x: Any, batch_size: int | None = None, verbose: int = 0,
                steps: int | None = None, callbacks: list | None = None,
                **kwargs: Any) -> Any:
        """The model's outputs on ``x`` (arrays or a dataset), batch by batch (learning
        phase 0).

        Raises:
            ValueError: for arrays that do not fit the model's inputs.
        """
        if dataset_inputs.is_dataset_like(x):
            dataset_inputs.check_no_extras(x, None, None, 0.0, batch_size, "predict")
            parts = self._predict_dataset(x, steps)
        else:
            xs = self._standardize_inputs(x)
            bs, n = batch_size or 32, len(xs[0])
            sess = backend.get_session()
            parts = [sess.run(self.outputs, dict(zip(self.inputs, [a[i:i + bs] for a in xs])))
                     for i in range(0, n, bs)]
        outs = [np.concatenate([p[k] for p in parts]) for k in range(len(self.outputs))]
        return outs[0] if len(outs) == 1 else outs

    def _standardize_inputs(self, x: Any) -> list:
        if self.inputs is None:
            self._build_for_data(*arrays.data_spec(x))
        xs = arrays.check_shapes(arrays.as_list(x, self.input_names, "input"), self.inputs,
                                 self.input_names, "input")
        arrays.check_lengths(xs, [])
        return xs

    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None,
                       class_weight: Any = None, reset_metrics: bool = True) -> Any:
        """One training step on ``x, y`` (or the next element of a dataset iterator);
        returns the loss or ``[loss, *metrics]`` (the metrics' running means, cleared
        afterwards when ``reset_metrics``).

        Raises:
            RuntimeError: if the model was not compiled.
            ValueError: for arrays or weights that do not fit the model.
        """
        return self._on_batch(x, y, sample_weight, class_weight, True, reset_metrics)

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None,
                      reset_metrics: bool = True) -> Any:
        """The loss (or ``[loss, *metrics]``) on one batch, without training.

        Raises:
            RuntimeError: if the model was not compiled.
            ValueError: for arrays or weights that do not fit the model.
        """
        return self._on_batch(x, y, sample_weight, None, False, reset_metrics)

    def _on_batch(self, x: Any, y: Any, sample_weight: Any, class_weight: Any,
                  training: bool, reset: bool) -> Any:
        if self._compile_args is None:
            raise RuntimeError(NOT_COMPILED)
        if dataset_inputs.is_dataset_like(x):
            dataset_inputs.check_no_extras(x, y, sample_weight, 0.0, None, "train_on_batch")
            x, y, sample_weight = self._next_element(x)
        xs, ys, ws, _ = self._standardize(x, y, sample_weight, class_weight)
        out = self._run_batch(xs, ys, ws, training)
        if reset:
            self.reset_metrics()
        return out[0] if len(out) == 1 else out

    def predict_on_batch(self, x: Any) -> Any:
        """The model's outputs on one batch."""
        return self.predict(x, batch_size=max(1, len(arrays.as_list(x, [], "input")[0])))

    # -- weights as trainkit checkpoints ---------------------------------------------------
    def save_weights(self, filepath: str, overwrite: bool = True,
                     save_format: str | None = None) -> None:
        """Writes the model's weights to the TF1 checkpoint ``filepath`` (a prefix).

        Differs from TF: always a trainkit/TF1 checkpoint (``.index`` + ``.data``), never
        h5, written by a ``tk.train.Saver`` over ``model.weights``.

        Raises:
            NotImplementedError: for ``save_format='h5'`` or an ``.h5`` path.
        """
        if save_format == "h5" or str(filepath).endswith((".h5", ".keras")):
            raise NotImplementedError("trainkit.keras writes TF1 checkpoints only, not h5.")
        self._weights_saver().save(backend.get_session(), str(filepath),
                                   write_meta_graph=False, write_state=False)

    def load_weights(self, filepath: str, by_name: bool = False) -> None:
        """Restores the weights written by :meth:`save_weights`.

        Raises:
            ValueError: if ``filepath`` is not a checkpoint.
        """
        self._weights_saver().restore(backend.get_session(), str(filepath))

    def _weights_saver(self) -> Any:
        saver = self.__dict__.get("_saver")
        if saver is None:
            saver = Saver(self.weights, max_to_keep=None)
            self.__dict__["_saver"] = saver
        return saver


def _take(parts: tuple, ids: Any) -> tuple:
    """The rows ``ids`` of each array of ``(xs, ys, ws)`` (absent weights stay None)."""
    return tuple([None if a is None else a[ids] for a in part] for part in parts)


__all__ = ["TrainingMixin", "NOT_COMPILED"]
