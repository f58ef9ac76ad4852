"""Keras ``fit`` scenarios of sample/class weights, weighted metrics, ``tf.data`` inputs,
frozen models and the activations by name, run on either backend. Each ``scenario(tf)``
builds a small model with fixed weights, trains it with ``shuffle=False`` and returns
plain numbers, names and error type names. ``make_fit2_reference.py`` records them under
TF 2.21.0 + tf_keras 2.21 (``tf.compat.v1``, ``disable_v2_behavior()``,
``TF_USE_LEGACY_KERAS=1``) into ``fit2_reference.json``; ``test_fit2.py`` runs them under
trainkit and compares. Imports no TF library."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from tests.keras.fit_scenarios import _data, _fix, _floats, _hist


def _dense_model(K: Any, units: int = 3, act: str = "softmax") -> Any:
    return K.models.Sequential([K.layers.Dense(6, activation="tanh", input_shape=(4,)),
                                K.layers.Dense(units, activation=act)])


def sample_weights_sparse(tf: Any) -> dict:
    """Per-sample weights in fit (with validation_split: the held-out part keeps its
    weights), evaluate, train_on_batch and test_on_batch; unweighted and weighted
    accuracy side by side."""
    K = tf.keras
    x, y = _data(n=40, seed=11)
    w = (np.arange(40) % 4 + 0.5).astype(np.float32)
    model = _dense_model(K)
    model.compile(K.optimizers.SGD(0.2), "sparse_categorical_crossentropy",
                  metrics=["accuracy"], weighted_metrics=["accuracy"])
    _fix(model, 1.0)
    h = model.fit(x, y, sample_weight=w, batch_size=8, epochs=2, verbose=0, shuffle=False,
                  validation_split=0.25)
    out = {"history": _hist(h), "names": list(model.metrics_names)}
    out["evaluate_w"] = _floats(model.evaluate(x, y, sample_weight=w, batch_size=16,
                                               verbose=0))
    # test_on_batch comes before the unweighted evaluate: tf_keras rebuilds its test
    # function only when the weighting changes, so a weighted test_on_batch after an
    # unweighted evaluate and a weighted train_on_batch runs a stale, unweighted one.
    out["test_on_batch"] = _floats(model.test_on_batch(x[10:20], y[10:20],
                                                       sample_weight=w[10:20]))
    out["evaluate"] = _floats(model.evaluate(x, y, batch_size=16, verbose=0))
    out["train_on_batch"] = _floats(model.train_on_batch(x[:10], y[:10],
                                                         sample_weight=w[:10]))
    out["weights"] = _floats(model.get_weights())
    return out


def class_weights_binary(tf: Any) -> dict:
    """class_weight on a sigmoid unit, combined with sample_weight; validation_data as a
    3-tuple with its own weights; weighted mse as a metric."""
    K = tf.keras
    x, y = _data(n=36, seed=12, classes=2)
    model = _dense_model(K, 1, "sigmoid")
    model.compile(K.optimizers.Adam(0.05), "binary_crossentropy", metrics=["acc"],
                  weighted_metrics=["acc", "mse"])
    _fix(model, 2.0)
    sw = np.linspace(0.5, 2.0, 28).astype(np.float32)
    vw = np.linspace(2.0, 0.1, 8).astype(np.float32)
    h = model.fit(x[:28], y[:28], class_weight={0: 1.0, 1: 3.0}, sample_weight=sw,
                  batch_size=10, epochs=3, verbose=0, shuffle=False,
                  validation_data=(x[28:], y[28:], vw))
    out = {"history": _hist(h), "names": list(model.metrics_names)}
    out["train_on_batch"] = _floats(model.train_on_batch(x[:12], y[:12],
                                                         class_weight={0: 2.0, 1: 0.5}))
    out["evaluate"] = _floats(model.evaluate(x, y, verbose=0))
    out["weights"] = _floats(model.get_weights())
    return out


def class_weights_onehot_split(tf: Any) -> dict:
    """class_weight with one-hot targets (the class is the argmax) and validation_split:
    the held-out samples keep their class weights."""
    K = tf.keras
    x, y = _data(n=30, seed=13)
    onehot = np.eye(3, dtype=np.float32)[y]
    model = _dense_model(K)
    model.compile(K.optimizers.RMSprop(0.01), "categorical_crossentropy",
                  metrics=["accuracy"], weighted_metrics=["categorical_crossentropy"])
    _fix(model, 3.0)
    h = model.fit(x, onehot, class_weight={0: 0.5, 1: 1.0, 2: 4.0}, batch_size=7, epochs=2,
                  verbose=0, shuffle=False, validation_split=0.3)
    return {"history": _hist(h), "names": list(model.metrics_names),
            "weights": _floats(model.get_weights())}


def temporal_weights(tf: Any) -> dict:
    """sample_weight_mode='temporal': one weight per time step of a sequence output."""
    K = tf.keras
    rng = np.random.RandomState(14)
    x = rng.randn(12, 5, 3).astype(np.float32)
    y = np.tanh(x[..., :2] * 1.5).astype(np.float32)
    w = (rng.rand(12, 5) > 0.3).astype(np.float32) * 2.0
    model = K.models.Sequential([
        K.layers.TimeDistributed(K.layers.Dense(2), input_shape=(5, 3))])
    model.compile(K.optimizers.SGD(0.3), "mse", metrics=["mae"], weighted_metrics=["mae"],
                  sample_weight_mode="temporal")
    _fix(model, 4.0)
    h = model.fit(x, y, sample_weight=w, batch_size=5, epochs=2, verbose=0, shuffle=False)
    return {"history": _hist(h), "names": list(model.metrics_names),
            "evaluate_w": _floats(model.evaluate(x, y, sample_weight=w, verbose=0)),
            "evaluate": _floats(model.evaluate(x, y, verbose=0)),
            "weights": _floats(model.get_weights())}


def masked_temporal(tf: Any) -> dict:
    """A Masking layer's mask combined with temporal weights: the loss is the weighted
    sum over the unmasked steps divided by their number, every metric is weighted by
    the mask (and the weighted ones by the weights too)."""
    K = tf.keras
    rng = np.random.RandomState(23)
    x = rng.randn(8, 5, 3).astype(np.float32)
    for i, n in enumerate([5, 3, 4, 2, 5, 1, 3, 4]):
        x[i, n:] = 0.0
    y = rng.randn(8, 5, 2).astype(np.float32)
    w = rng.rand(8, 5).astype(np.float32) * 2.0
    model = K.models.Sequential([
        K.layers.Masking(0.0, input_shape=(5, 3)),
        K.layers.SimpleRNN(4, return_sequences=True),
        K.layers.TimeDistributed(K.layers.Dense(2))])
    model.compile(K.optimizers.SGD(0.1), "mse", metrics=["mae"], weighted_metrics=["mae"],
                  sample_weight_mode="temporal")
    _fix(model, 13.0)
    h = model.fit(x, y, sample_weight=w, batch_size=4, epochs=2, verbose=0, shuffle=False)
    return {"history": _hist(h), "names": list(model.metrics_names),
            "evaluate_w": _floats(model.evaluate(x, y, sample_weight=w, verbose=0)),
            "evaluate": _floats(model.evaluate(x, y, verbose=0)),
            "weights": _floats(model.get_weights())}


def multi_output_weights(tf: Any) -> dict:
    """Two outputs: sample weights as a dict for one output only (the other counts 1),
    class_weight for the classifier, per-output weighted metrics."""
    K = tf.keras
    x, y = _data(n=24, seed=15)
    inp = K.Input(shape=(4,))
    hid = K.layers.Dense(5, activation="relu")(inp)
    cls = K.layers.Dense(3, activation="softmax", name="cls")(hid)
    reg = K.layers.Dense(1, name="reg")(hid)
    model = K.Model(inp, [cls, reg])
    model.compile(K.optimizers.SGD(0.1), loss=["sparse_categorical_crossentropy", "mse"],
                  loss_weights=[1.0, 0.5], metrics=["accuracy"],
                  weighted_metrics={"cls": ["accuracy"], "reg": ["mae"]})
    _fix(model, 5.0)
    target = x[:, :1] * 2.0
    w = np.linspace(0.2, 2.0, 24).astype(np.float32)
    h = model.fit(x, [y, target], sample_weight={"reg": w}, class_weight={"cls": {
        0: 1.0, 1: 2.0, 2: 0.5}}, batch_size=8, epochs=2, verbose=0, shuffle=False)
    return {"history": _hist(h), "names": list(model.metrics_names),
            "evaluate": _floats(model.evaluate(x, [y, target], sample_weight=[w, w],
                                               verbose=0))}


def dataset_fit(tf: Any) -> dict:
    """fit on a repeated dataset with steps_per_epoch (the dataset goes on across
    epochs), validation on a finite dataset (its size is its step count, restarted each
    epoch); evaluate and predict on finite datasets."""
    K = tf.keras
    x, y = _data(n=40, seed=16)
    model = _dense_model(K)
    model.compile(K.optimizers.SGD(0.1), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    _fix(model, 6.0)
    train = tf.data.Dataset.from_tensor_slices((x[:32], y[:32])).batch(6).repeat()
    val = tf.data.Dataset.from_tensor_slices((x[32:], y[32:])).batch(3)
    h = model.fit(train, epochs=3, steps_per_epoch=4, validation_data=val, verbose=0)
    out = {"history": _hist(h), "params": {k: h.params.get(k) for k in ("steps", "samples")}}
    out["evaluate"] = _floats(model.evaluate(
        tf.data.Dataset.from_tensor_slices((x, y)).batch(7), verbose=0))
    out["evaluate_steps"] = _floats(model.evaluate(
        tf.data.Dataset.from_tensor_slices((x, y)).batch(7).repeat(), steps=3, verbose=0))
    out["predict"] = _floats(model.predict(
        tf.data.Dataset.from_tensor_slices(x[:10]).batch(4)))
    out["predict_tuple"] = _floats(model.predict(
        tf.data.Dataset.from_tensor_slices((x[:5], y[:5])).batch(2)))
    out["weights"] = _floats(model.get_weights())
    return out


def dataset_weights(tf: Any) -> dict:
    """A finite dataset of (x, y, w) without steps: each epoch runs it to its end (the
    iterator restarts), with validation_steps on a repeated validation dataset (which
    restarts for each validation)."""
    K = tf.keras
    x, y = _data(n=30, seed=17, classes=2)
    w = np.linspace(0.1, 3.0, 30).astype(np.float32)
    model = _dense_model(K, 1, "sigmoid")
    model.compile(K.optimizers.Adam(0.02), "binary_crossentropy", metrics=["acc"],
                  weighted_metrics=["acc"])
    _fix(model, 7.0)
    train = tf.data.Dataset.from_tensor_slices((x[:22], y[:22].astype(np.float32),
                                                w[:22])).batch(5)
    val = tf.data.Dataset.from_tensor_slices((x[22:], y[22:].astype(np.float32),
                                              w[22:])).batch(3).repeat()
    h = model.fit(train, epochs=2, validation_data=val, validation_steps=2, verbose=0)
    out = {"history": _hist(h), "params": {k: h.params.get(k) for k in ("steps", "samples")}}
    out["evaluate"] = _floats(model.evaluate(
        tf.data.Dataset.from_tensor_slices((x, y.astype(np.float32), w)).batch(8),
        verbose=0))
    out["weights"] = _floats(model.get_weights())
    return out


def dataset_filtered(tf: Any) -> dict:
    """A dataset whose size is unknown before running (a filter): fit runs each epoch to
    the end of the data and restarts it; with steps_per_epoch beyond its end, training
    stops where the data ends."""
    K = tf.keras
    x, y = _data(n=30, seed=18)
    model = _dense_model(K)
    model.compile(K.optimizers.SGD(0.1), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    _fix(model, 8.0)

    def keep(a: Any, b: Any) -> Any:
        return tf.not_equal(b, 1)

    ds = tf.data.Dataset.from_tensor_slices((x, y)).filter(keep).batch(4)
    h = model.fit(ds, epochs=2, verbose=0)
    out = {"history": _hist(h), "epoch": list(h.epoch)}
    h2 = model.fit(ds, epochs=3, steps_per_epoch=4, verbose=0)
    out["short"] = {"history": _hist(h2), "epoch": list(h2.epoch)}
    out["weights"] = _floats(model.get_weights())
    return out


def iterator_on_batch(tf: Any) -> dict:
    """train_on_batch/test_on_batch on a one-shot iterator take its next element."""
    K = tf.keras
    x, y = _data(n=20, seed=19)
    model = _dense_model(K)
    model.compile(K.optimizers.SGD(0.1), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    _fix(model, 9.0)
    it = tf.data.make_one_shot_iterator(
        tf.data.Dataset.from_tensor_slices((x, y)).batch(5))
    out = {"train": [_floats(model.train_on_batch(it)) for _ in range(2)]}
    out["test"] = _floats(model.test_on_batch(it))
    out["weights"] = _floats(model.get_weights())
    return out


def generator_weights(tf: Any) -> dict:
    """fit_generator/evaluate_generator on (x, y, w) batches, with class_weight too."""
    K = tf.keras
    x, y = _data(n=24, seed=22)
    w = np.linspace(0.3, 2.4, 24).astype(np.float32)

    def batches():
        i = 0
        while True:
            ids = np.arange(i, i + 6) % 24
            i += 6
            yield x[ids], y[ids], w[ids]

    model = _dense_model(K)
    model.compile(K.optimizers.SGD(0.2), "sparse_categorical_crossentropy",
                  metrics=["accuracy"], weighted_metrics=["accuracy"])
    _fix(model, 12.0)
    h = model.fit_generator(batches(), steps_per_epoch=3, epochs=2, verbose=0,
                            class_weight={0: 1.0, 1: 0.5, 2: 2.0})
    return {"history": _hist(h),
            "evaluate": _floats(model.evaluate_generator(batches(), steps=4)),
            "weights": _floats(model.get_weights())}


def frozen_models(tf: Any) -> dict:
    """model.trainable = False reaches the layers inside (nested models too); a layer
    flipped after compile trains as it was until the next compile; a frozen
    BatchNormalization's statistics stay put."""
    K = tf.keras
    x, y = _data(n=24, seed=20)
    inner = K.models.Sequential([K.layers.Dense(5, input_shape=(4,)),
                                 K.layers.BatchNormalization()], name="inner")
    outer = K.models.Sequential([inner, K.layers.Dense(3, activation="softmax")])
    _fix(inner.layers[0], 10.0)
    _fix(outer.layers[1], 11.0)
    out = {"counts": [len(outer.trainable_weights), len(outer.non_trainable_weights)]}
    inner.trainable = False
    out["frozen_counts"] = [len(outer.trainable_weights), len(outer.non_trainable_weights),
                            len(inner.layers[0].trainable_weights),
                            len(inner.layers[1].non_trainable_weights)]
    out["layer_flags"] = [layer.trainable for layer in inner.layers]
    outer.compile(K.optimizers.SGD(0.5), "sparse_categorical_crossentropy")
    outer.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    out["after_frozen_fit"] = _floats(outer.get_weights())
    inner.trainable = True   # no effect before the next compile
    outer.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    out["after_flip_fit"] = _floats(outer.get_weights())
    outer.compile(K.optimizers.SGD(0.5), "sparse_categorical_crossentropy")
    outer.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    out["after_recompile_fit"] = _floats(outer.get_weights())
    outer.trainable = False
    out["all_frozen_counts"] = [len(outer.trainable_weights),
                                len(outer.non_trainable_weights)]
    outer.compile(K.optimizers.Adam(0.1), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])   # nothing to train: fit only measures
    out["all_frozen_fit"] = _hist(outer.fit(x, y, batch_size=8, epochs=2, verbose=0,
                                            shuffle=False))
    out["all_frozen_weights"] = _floats(outer.get_weights())
    return out


def activations_by_name(tf: Any) -> dict:
    """Every tf_keras activation name, as a function and as a Dense layer's activation."""
    K = tf.keras
    names = ["hard_sigmoid", "gelu", "mish", "relu6", "leaky_relu", "log_softmax", "elu",
             "selu", "softplus", "softsign", "swish", "silu", "exponential", "tanh",
             "sigmoid", "relu", "softmax", "linear"]
    x = np.linspace(-3.2, 2.9, 12).reshape(3, 4).astype(np.float32)
    inp = tf.placeholder(tf.float32, [None, 4])
    fetch = {n: K.activations.get(n)(inp) for n in names}
    layer_out = {}
    for n in names:
        dense = K.layers.Dense(2, activation=n)
        layer_out[n] = dense(inp)
    sess = K.backend.get_session()
    sess.run(tf.global_variables_initializer())
    got = sess.run(fetch, {inp: x})
    return {"values": {n: _floats(v) for n, v in got.items()},
            "layer_shapes": {n: list(t.shape.as_list()) for n, t in layer_out.items()},
            "lstm_default": K.layers.LSTM(2).get_config()["recurrent_activation"]}


def _err(call: Any) -> Any:
    try:
        call()
    except (ValueError, TypeError, RuntimeError) as e:
        return type(e).__name__
    return None


def errors(tf: Any) -> dict:
    """The exception type raised for each bad input (None when none is raised)."""
    K = tf.keras
    x, y = _data(n=20, seed=21)

    def model(mode: Any = None, weighted: Any = None) -> Any:
        tf.reset_default_graph()
        K.backend.clear_session()
        m = _dense_model(K)
        m.compile("sgd", "sparse_categorical_crossentropy", sample_weight_mode=mode,
                  weighted_metrics=weighted)
        return m

    def ds(repeat: bool = False, n: int = 20) -> Any:
        d = tf.data.Dataset.from_tensor_slices((x[:n], y[:n])).batch(5)
        return d.repeat() if repeat else d

    def two_outputs() -> Any:
        tf.reset_default_graph()
        K.backend.clear_session()
        inp = K.Input(shape=(4,))
        m = K.Model(inp, [K.layers.Dense(3, activation="softmax", name="a")(inp),
                          K.layers.Dense(1, name="b")(inp)])
        m.compile("sgd", ["sparse_categorical_crossentropy", "mse"])
        return m

    cases = {
        "sample_weight_2d": lambda: model().fit(x, y, sample_weight=np.ones((20, 2)),
                                                verbose=0),
        "sample_weight_short": lambda: model().fit(x, y, sample_weight=np.ones(15),
                                                   verbose=0),
        "sample_weight_eval_2d": lambda: model().evaluate(x, y, sample_weight=np.ones(
            (20, 3)), verbose=0),
        "temporal_on_2d_output": lambda: model("temporal").fit(
            x, y, sample_weight=np.ones((20, 3)), verbose=0),
        "temporal_1d_weights": lambda: model("temporal").train_on_batch(
            x, y, sample_weight=np.ones(20)),
        "class_weight_missing": lambda: model().fit(x, y, class_weight={0: 1.0, 1: 2.0},
                                                    verbose=0),
        "class_weight_missing_on_batch": lambda: model().train_on_batch(
            x, y, class_weight={0: 1.0, 2: 2.0}),
        "multi_sample_weight_list_len": lambda: two_outputs().fit(
            x, [y, x[:, :1]], sample_weight=[np.ones(20)] * 3, verbose=0),
        "multi_sample_weight_bad_key": lambda: two_outputs().fit(
            x, [y, x[:, :1]], sample_weight={"c": np.ones(20)}, verbose=0),
        "multi_class_weight_type": lambda: two_outputs().fit(
            x, [y, x[:, :1]], class_weight=np.ones(3), verbose=0),
        "val_weights_short": lambda: model().fit(
            x[:10], y[:10], validation_data=(x[10:], y[10:], np.ones(3)), verbose=0),
        "dataset_repeat_no_steps": lambda: model().fit(ds(True), epochs=1, verbose=0),
        "dataset_eval_repeat_no_steps": lambda: model().evaluate(ds(True), verbose=0),
        "dataset_val_repeat_no_steps": lambda: model().fit(
            ds(), epochs=1, validation_data=ds(True), verbose=0),
        "dataset_too_few_batches": lambda: model().fit(ds(), epochs=2, steps_per_epoch=3,
                                                       verbose=0),
        "dataset_with_y": lambda: model().fit(ds(), y, verbose=0),
        "dataset_with_sample_weight": lambda: model().fit(ds(), sample_weight=np.ones(20),
                                                          verbose=0),
        "dataset_with_split": lambda: model().fit(ds(), validation_split=0.5, verbose=0),
        "dataset_with_batch_size": lambda: model().fit(ds(), batch_size=5, verbose=0),
        "iterator_in_fit": lambda: model().fit(
            tf.data.make_one_shot_iterator(ds(True)), steps_per_epoch=2, verbose=0),
        "iterator_in_predict": lambda: model().predict(
            tf.data.make_one_shot_iterator(ds(True)), steps=2),
        "dataset_bad_element": lambda: model().fit(
            tf.data.Dataset.from_tensor_slices((x, y, y, y)).batch(5), verbose=0),
        "validation_steps_without_data": lambda: model().fit(x, y, validation_steps=2,
                                                             verbose=0),
    }
    return {k: _err(v) for k, v in cases.items()}


FIT2_SCENARIOS = {f.__name__: f for f in (
    sample_weights_sparse, class_weights_binary, class_weights_onehot_split,
    temporal_weights, masked_temporal, multi_output_weights, dataset_fit, dataset_weights,
    dataset_filtered,
    iterator_on_batch, generator_weights, frozen_models, activations_by_name, errors)}


def to_json(value: Any) -> str:
    """JSON text of a scenario's result (NumPy scalars become numbers)."""
    return json.dumps(value, indent=1, sort_keys=True,
                      default=lambda o: o.item() if isinstance(o, np.generic) else str(o))
