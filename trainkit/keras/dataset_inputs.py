"""``fit``/``evaluate``/``predict`` on ``tk.data`` datasets, as tf_keras's v1 loops run
them in graph mode.

A dataset yields ``(x, y)`` or ``(x, y, sample_weight)`` batches (``predict`` takes the
first item, or the whole element when it is not such a tuple). Each call makes an
initializable iterator and starts it. Without ``steps_per_epoch`` the steps are the
dataset's cardinality: an endless dataset is a ``ValueError``, a known count runs that
many steps per epoch and an unknown one (a ``filter``) runs to the end of the data; in
both cases the iterator restarts for the next epoch. With ``steps_per_epoch`` the
iterator runs on across epochs, and running out of data stops the training (with a
warning). A validation dataset restarts for each validation. An epoch's ``loss`` is the
mean of its step losses, each metric its running mean. ``class_weight`` does not apply
to dataset batches (tf_keras v1 ignores it there too).

Iterators are refused by ``fit``/``evaluate``/``predict`` (pass the dataset), as
tf_keras 2.x does; ``train_on_batch``/``test_on_batch`` take one iterator's next element
(a dataset's first element).

Example:
    >>> ds = tk.data.Dataset.from_tensor_slices((x, y)).batch(32).repeat()
    >>> model.fit(ds, epochs=5, steps_per_epoch=100, validation_data=val_ds)
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

import numpy as np

from trainkit import errors, nest
from trainkit.data import cardinality
from trainkit.data.dataset import Dataset
from trainkit.data.iterator import Iterator
from trainkit.keras import backend

_LOG = logging.getLogger("trainkit.keras")
_NEXT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def is_dataset_like(x: Any) -> bool:
    """Whether ``x`` is a ``tk.data`` dataset or iterator."""
    return isinstance(x, Dataset | Iterator)


def check_no_extras(x: Any, y: Any, sample_weight: Any, validation_split: float,
                    batch_size: Any, what: str) -> None:
    """tf_keras's checks of the arguments that a dataset input makes meaningless.

    Raises:
        ValueError: an iterator given to fit/evaluate/predict, or ``batch_size``, ``y``,
            ``sample_weight`` or ``validation_split`` given with a dataset.
    """
    if isinstance(x, Iterator) and what in ("fit", "evaluate", "predict"):
        raise ValueError("For performance reasons Keras `fit`, `evaluate` and `predict` "
                         "accept tf.data `Datasets` as input but not iterators that have "
                         "been manually generated from Datasets by users. Please directly "
                         "pass in the original `Dataset` object instead.")
    if batch_size is not None:
        raise ValueError("The `batch_size` argument must not be specified for the given "
                         f"input type. Received input: {x}, batch_size: {batch_size}")
    if y is not None:
        raise ValueError("You passed a dataset or dataset iterator as input `x` to your "
                         "model. In that case, you should not specify a target (`y`) "
                         "argument, since the dataset or dataset iterator generates both "
                         f"input data and target data. Received: {y!r:.100}")
    if sample_weight is not None:
        raise ValueError("`sample_weight` argument is not supported when input `x` is a "
                         "dataset or a dataset iterator. Instead, you can provide "
                         "sample_weight as the third element of your dataset, i.e. "
                         "(inputs, targets, sample_weight).")
    if validation_split:
        raise ValueError("`validation_split` argument is not supported when input `x` is "
                         "a dataset or a dataset iterator. Received: "
                         f"validation_split={validation_split}")


def unpack(element: Any) -> tuple[Any, Any, Any]:
    """``(x, y, sample_weight)`` of one dataset element (y and the weights may be None).

    Raises:
        TypeError: for a tuple that has neither 2 nor 3 items.
    """
    if isinstance(element, list | tuple):
        if len(element) not in (2, 3):
            raise TypeError("Please provide model inputs as a list or tuple of 2 or 3 "
                            "elements: (input, target) or (input, target, sample_weights). "
                            f"Received a tuple of {len(element)} elements.")
        return element[0], element[1], element[2] if len(element) == 3 else None
    return element, None, None


class DatasetFeed:
    """One started iterator over a dataset and its step count for a loop.

    Raises:
        ValueError: an endless dataset without ``steps``.
    """

    def __init__(self, dataset: Dataset, steps: int | None, steps_name: str):
        self.session = backend.get_session()
        self.iterator = dataset.make_initializable_iterator()
        self.element = self.iterator.get_next()
        self.session.run(self.iterator.initializer)
        self.restart_each_epoch = steps is None
        if steps is None:
            size = cardinality.iterator_cardinality(self.iterator, self.session)
            if size == cardinality.INFINITE:
                raise ValueError("When passing an infinitely repeating dataset, you must "
                                 f"specify the `{steps_name}` argument.")
            steps = size if size >= 0 else None
        self.steps = steps
        self.steps_name = steps_name

    def next(self) -> Any:
        """The next element's values (``OutOfRangeError`` at the end)."""
        return self.session.run(self.element)

    def restart(self) -> None:
        self.session.run(self.iterator.initializer)


class DatasetMixin:
    """The dataset loops of :class:`~trainkit.keras.Model` (built on ``TrainingMixin``'s
    batch runner and callback set-up)."""

    def _fit_dataset(self, x: Any, y: Any, batch_size: Any, epochs: int, verbose: int,
                     callbacks: Any, validation_split: float, validation_data: Any,
                     class_weight: Any, sample_weight: Any, initial_epoch: int,
                     steps: int | None, validation_steps: int | None,
                     validation_freq: int) -> Any:
        check_no_extras(x, y, sample_weight, validation_split, batch_size, "fit")
        self._build_from_dataset(x)
        self._compiled_graph()
        feed = DatasetFeed(x, steps, "steps_per_epoch")
        val = None
        if validation_data is not None:
            val = self._val_dataset(validation_data, validation_steps, epochs) \
                if is_dataset_like(validation_data) else self._val_arrays(validation_data)
        elif validation_steps:
            raise ValueError("`validation_steps` should not be specified if "
                             "`validation_data` is None.")
        clist = self._fit_callbacks(callbacks, verbose, val is not None,
                                    {"batch_size": None, "epochs": epochs,
                                     "steps": feed.steps, "samples": feed.steps})
        names = self.metrics_names
        if verbose:
            val_steps = val.steps if isinstance(val, DatasetFeed) else None
            print(f"Train on {feed.steps} steps" +
                  (f", validate on {val_steps} steps" if val_steps else ""))
        clist.call("on_train_begin", {})
        for epoch in range(initial_epoch, epochs):
            if self.stop_training:
                break
            self.reset_metrics()
            clist.call("on_epoch_begin", epoch, {})
            res = self._dataset_steps(feed, True, clist, epochs)
            logs = dict(zip(names, map(float, res)))
            if val is not None and not self.stop_training and \
                    (epoch + 1) % validation_freq == 0:
                v = self._validate(val, 32, clist, epoch < epochs - 1)
                logs.update({f"val_{k}": float(r) for k, r in zip(names, v)})
            clist.call("on_epoch_end", epoch, logs)
            if feed.restart_each_epoch and epoch < epochs - 1:
                feed.restart()
        clist.call("on_train_end", {})
        return self.history

    def _val_dataset(self, data: Any, steps: int | None, epochs: int) -> DatasetFeed:
        check_no_extras(data, None, None, 0.0, None, "fit")
        return DatasetFeed(data, steps, "validation_steps")

    def _validate_dataset(self, feed: DatasetFeed, clist: Any, more: bool) -> list:
        self.reset_metrics()
        res = self._dataset_steps(feed, False, clist, 1, in_fit=True)
        if more:
            feed.restart()
        return res

    def _build_from_dataset(self, x: Dataset) -> None:
        """Builds a model whose input is not known yet on the dataset's first component
        (as tf_keras builds on the first batch)."""
        if self.inputs is not None:
            return
        shapes, types = x.output_shapes, x.output_types
        if isinstance(shapes, tuple) and len(shapes) in (2, 3):
            shapes, types = shapes[0], types[0]
        if isinstance(shapes, dict):   # feature dicts: one input per feature
            self._build_for_data({k: tuple(s.as_list()) for k, s in shapes.items()}, types)
            return
        shape, dtype = nest.flatten(shapes)[0], nest.flatten(types)[0]
        self._build_for_data(tuple(shape.as_list()), dtype)

    def _evaluate_dataset(self, x: Any, steps: int | None, clist: Any) -> list:
        self._build_from_dataset(x)
        self._compiled_graph()
        self.reset_metrics()
        return self._dataset_steps(DatasetFeed(x, steps, "steps"), False, clist, 1)

    def _dataset_steps(self, feed: DatasetFeed, training: bool, clist: Any, epochs: int,
                       in_fit: bool = False) -> list:
        """Runs one epoch of steps; returns ``[mean step loss, *metric running means]``.

        Raises:
            ValueError: if the data ended before the first step.
        """
        hook = "train" if training else "test"
        target = np.inf if feed.steps is None else feed.steps
        step, loss_sum, outs = 0, 0.0, None
        while step < target:
            blogs: dict = {"batch": step, "size": 1}
            clist.call(f"on_{hook}_batch_begin", step, blogs)
            try:
                x, y, w = unpack(feed.next())
            except errors.OutOfRangeError:
                if feed.steps is not None or in_fit:
                    self.stop_training = True
                    _LOG.warning("Your dataset ran out of data; interrupting training. Make "
                                 "sure that your dataset can generate at least `%s * "
                                 "epochs` batches (in this case, %s batches). You may need "
                                 "to use the repeat() function when building your dataset.",
                                 feed.steps_name, (feed.steps or 0) * epochs)
                elif step > 0:
                    feed.steps = step
                break
            xs, ys, ws, _ = self._standardize(x, y, w)
            outs = self._run_batch(xs, ys, ws, training)
            loss_sum += float(outs[0])
            blogs.update({k: float(v) for k, v in zip(self.metrics_names, outs)})
            clist.call(f"on_{hook}_batch_end", step, blogs)
            step += 1
            if training and self.stop_training:
                break
        if outs is None:
            raise ValueError("Empty training data.")
        # fit's epoch loss is BaseLogger's mean over the steps run (fewer when the data
        # ran out); evaluate divides by the steps asked for, as tf_keras's aggregator.
        steps_run = step if training else (feed.steps or step)
        return [np.float32(loss_sum / steps_run)] + list(outs[1:])

    def _predict_dataset(self, x: Any, steps: int | None) -> list:
        self._build_from_dataset(x)
        feed = DatasetFeed(x, steps, "steps")
        parts, step = [], 0
        sess = backend.get_session()
        while feed.steps is None or step < feed.steps:
            try:
                element = unpack(feed.next())[0]
            except errors.OutOfRangeError:
                break
            xs = self._standardize_inputs(element)
            parts.append(sess.run(self.outputs, dict(zip(self.inputs, xs))))
            step += 1
        return parts

    def _next_element(self, x: Any) -> tuple[Any, Any, Any]:
        """The values of the next element of an iterator (a dataset's first)."""
        sess = backend.get_session()
        if isinstance(x, Dataset):
            it = x.make_initializable_iterator()
            sess.run(it.initializer)
            return unpack(sess.run(it.get_next()))
        element = _NEXT.get(x)
        if element is None:
            element = _NEXT[x] = x.get_next()
        return unpack(sess.run(element))


__all__ = ["DatasetMixin", "DatasetFeed", "is_dataset_like", "check_no_extras", "unpack"]
