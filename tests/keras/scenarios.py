"""Keras graph-mode scenarios run on either backend: ``scenario(tf)`` builds a graph with
``tf.keras`` layers, runs it and returns plain numbers/names. ``make_reference.py`` runs
them under TF 2.21.0 + tf_keras 2.21 (``tf.compat.v1``, eager disabled,
``TF_USE_LEGACY_KERAS=1``) into ``tf_reference.json``; ``test_keras_vs_tf.py`` runs them
under trainkit and compares. Imports no TF library."""

from __future__ import annotations

from typing import Any

import numpy as np


def _w(shape: tuple, k: float) -> np.ndarray:
    n = int(np.prod(shape))
    return (0.5 * np.sin(np.arange(n) * 0.37 + k)).reshape(shape).astype(np.float32)


def _fix_weights(layer: Any, k: float) -> None:
    """Deterministic weights for ``layer`` (BatchNormalization keeps its defaults)."""
    layer.set_weights([_w(tuple(v.shape.as_list()), k + i)
                       for i, v in enumerate(layer.weights)])


def _names(vs: list) -> list:
    return [v.name for v in vs]


def naming(tf: Any) -> dict:
    """Layer names, variable names and output op names across scopes and second calls."""
    K = tf.keras
    out: dict = {}
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    d = K.layers.Dense(3, activation="relu")
    h = d(x)
    out["first"] = [h.name, _names(d.weights)]
    h2 = K.layers.Dense(2)(h)
    with tf.variable_scope("foo"):
        foo = K.layers.Dense(2)
        h3 = foo(h2)
    with tf.name_scope("bar"):
        bar = K.layers.Dense(2)
        h4 = bar(h3)
    h5 = d(tf.placeholder(tf.float32, [None, 4]))
    named = K.layers.Dense(2, name="dense")
    h6 = named(h5)
    out["outputs"] = [h2.name, h3.name, h4.name, h5.name, h6.name]
    out["layers"] = [foo.name, bar.name, named.name]
    out["vars"] = [_names(foo.weights), _names(bar.weights), _names(named.weights)]
    conv = K.layers.Conv2D(2, 3)
    c = conv(tf.placeholder(tf.float32, [None, 5, 5, 1]))
    emb = K.layers.Embedding(7, 2)
    e = emb(tf.placeholder(tf.int32, [None, 3]))
    bn = K.layers.BatchNormalization()
    b = bn(tf.placeholder(tf.float32, [None, 4]), training=True)
    out["more"] = [_names(conv.weights), c.shape.as_list(), _names(emb.weights),
                   e.shape.as_list(), _names(bn.weights), _names(bn.trainable_weights),
                   b.shape.as_list(), len(bn.updates),
                   len(tf.get_collection(tf.GraphKeys.UPDATE_OPS))]
    out["trainable"] = _names(tf.trainable_variables())
    out["global"] = _names(tf.global_variables())
    return out


def convnet(tf: Any) -> dict:
    """A functional conv net with fixed weights: outputs, loss, gradients, the
    BatchNormalization moving averages after one update, one SGD step."""
    K = tf.keras
    inputs = K.Input(shape=(6, 6, 2))
    conv = K.layers.Conv2D(3, 3, padding="same", activation="relu")
    h = conv(inputs)
    bn = K.layers.BatchNormalization()
    h = bn(h, training=True)
    h = K.layers.MaxPooling2D()(h)
    h = K.layers.Flatten()(h)
    d1 = K.layers.Dense(4, activation="tanh")
    h = d1(h)
    h = K.layers.Dropout(0.5)(h)
    d2 = K.layers.Dense(3)
    logits = d2(h)
    model = K.Model(inputs, logits)
    x = tf.placeholder(tf.float32, [None, 6, 6, 2], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    out_t = model(x)
    loss = tf.reduce_mean(K.losses.sparse_categorical_crossentropy(y, out_t, from_logits=True))
    grads = tf.gradients(loss, model.trainable_variables)
    with tf.control_dependencies(bn.updates[-2:]):  # the updates of the call on x
        train = tf.train.GradientDescentOptimizer(0.1).minimize(
            loss, var_list=model.trainable_variables)
    xs = np.cos(np.arange(4 * 6 * 6 * 2) * 0.11).reshape(4, 6, 6, 2).astype(np.float32)
    ys = np.array([0, 2, 1, 0])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i, layer in enumerate([conv, d1, d2]):
            _fix_weights(layer, float(i))
        res = {"logits": sess.run(out_t, {x: xs}).tolist(),
               "loss": float(sess.run(loss, {x: xs, y: ys})),
               "grads": [g.tolist() for g in sess.run(grads, {x: xs, y: ys})]}
        sess.run(train, {x: xs, y: ys})
        res["after"] = [w.tolist() for w in sess.run(model.weights)]
        res["loss_after"] = float(sess.run(loss, {x: xs, y: ys}))
    res["names"] = [_names(model.trainable_variables), _names(model.non_trainable_variables),
                    [layer.name for layer in model.layers], out_t.name,
                    [type(layer).__name__ for layer in model.layers]]
    res["shapes"] = [list(model.output_shape), list(conv.output_shape), len(model.updates)]
    return res


def sequential(tf: Any) -> dict:
    """Sequential with an input shape: built at once, called again on another tensor."""
    K = tf.keras
    model = K.Sequential([K.layers.Dense(5, activation="sigmoid", input_shape=(3,)),
                          K.layers.Dense(2, activation="softmax")])
    x = tf.placeholder(tf.float32, [None, 3])
    p = model(x)
    t = tf.placeholder(tf.float32, [None, 2])
    loss = tf.reduce_mean(K.losses.categorical_crossentropy(t, p))
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    xs = np.array([[0.1, -0.2, 0.3], [1.0, 0.5, -1.5], [0.0, 2.0, 1.0]], np.float32)
    ts = np.array([[1, 0], [0, 1], [0, 1]], np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i, layer in enumerate(model.layers):
            _fix_weights(layer, 3.0 + i)
        first = sess.run(p, {x: xs})
        losses = [float(sess.run([loss, train], {x: xs, t: ts})[0]) for _ in range(5)]
        weights = [w.tolist() for w in model.get_weights()]
    return {"first": first.tolist(), "losses": losses, "weights": weights,
            "names": [model.name, [layer.name for layer in model.layers],
                      _names(model.trainable_variables), model.inputs[0].name,
                      model.outputs[0].name, p.name, list(model.output_shape)]}


def misc_layers(tf: Any) -> dict:
    """Embedding, Reshape, Concatenate, Add, Conv1D, pooling, Activation, Lambda values."""
    K = tf.keras
    ids = tf.placeholder(tf.int32, [None, 3])
    emb = K.layers.Embedding(5, 2)
    e = emb(ids)
    r = K.layers.Reshape((3, 2, 1))(e)
    r2 = K.layers.Reshape((-1,))(r)
    c1 = K.layers.Conv1D(2, 2, strides=1, padding="valid")
    s = c1(e)
    mp = K.layers.MaxPooling1D(2, padding="same")(s)
    ap = K.layers.AveragePooling2D(pool_size=(2, 1), padding="same")(r)
    cat = K.layers.concatenate([r2, r2 * 2.0])
    added = K.layers.add([r2, r2, r2])
    act = K.layers.Activation("softmax")(r2)
    lam = K.layers.Lambda(lambda t, k: t * k, arguments={"k": 3.0})(r2)
    bn = K.layers.BatchNormalization(axis=1)
    b = bn(r, training=True)
    fetch = [e, r, r2, s, mp, ap, cat, added, act, lam, b, bn.updates]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        _fix_weights(emb, 1.0)
        _fix_weights(c1, 2.0)
        vals = sess.run(fetch, {ids: [[0, 4, 2], [3, 3, 1]]})
        stats = sess.run([bn.moving_mean, bn.moving_variance])
    return {"values": [np.asarray(v).tolist() for v in vals[:-1]],
            "stats": [v.tolist() for v in stats],
            "shapes": [t.shape.as_list() for t in fetch[:-1]]}


def losses(tf: Any) -> dict:
    """The loss functions on fixed values, including the softmax-output shortcut."""
    K = tf.keras
    logits = tf.constant([[2.0, -1.0, 0.5], [0.1, 0.2, 30.0]])
    probs = tf.constant([[0.7, 0.2, 0.1], [0.0, 0.3, 0.7]])
    onehot = tf.constant([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    sparse = tf.constant([0, 0])
    sparse_col = tf.constant([[0], [0]])
    soft = tf.nn.softmax(logits)
    keras_soft = K.layers.Dense(3, activation="softmax", kernel_initializer="ones",
                                bias_initializer="zeros")(logits)
    terms = [
        K.losses.categorical_crossentropy(onehot, logits, from_logits=True),
        K.losses.categorical_crossentropy(onehot, probs),
        K.losses.categorical_crossentropy(onehot, soft),
        K.losses.categorical_crossentropy(onehot, keras_soft),
        K.losses.categorical_crossentropy(onehot, probs * 2.0, label_smoothing=0.1),
        K.losses.sparse_categorical_crossentropy(sparse, logits, from_logits=True),
        K.losses.sparse_categorical_crossentropy(sparse, probs),
        K.losses.sparse_categorical_crossentropy(sparse_col, soft),
        K.losses.mean_squared_error(onehot, probs),
        K.losses.binary_crossentropy(onehot, probs),
        K.losses.binary_crossentropy(onehot, logits, from_logits=True),
    ]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return {"values": [v.tolist() for v in sess.run(terms)]}


SCENARIOS = {"naming": naming, "convnet": convnet, "sequential": sequential,
             "misc_layers": misc_layers, "losses": losses}
