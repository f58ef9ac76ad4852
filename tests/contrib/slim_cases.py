"""Cases run both by TF 2.21 + ``tf_slim`` 1.1.0 (``make_slim_reference.py``, which records
``slim_reference.json``) and by trainkit (``test_slim_reference.py``): each
``case_<name>(tf, slim)`` builds a fresh graph with deterministic initial values and
returns plain lists (names, shapes, values, gradients) to compare."""

from __future__ import annotations

import numpy as np


def const_init(tf, seed):
    """An initializer giving seeded N(0, 0.5) values of the requested shape."""
    def init(shape, dtype=None, partition_info=None):
        dims = [int(d) for d in shape]
        vals = np.random.RandomState(seed + sum(dims)).normal(0, 0.5, dims)
        return tf.constant(vals.astype(np.float32))
    return init


def _vars(tf, key):
    return [[v.op.name, v.shape.as_list()] for v in tf.get_collection(key)]


def _run(tf, fetches, feed=None, update=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        if update:
            sess.run(update, feed)
        out = sess.run(fetches, feed)
    return out


def _arr(x):
    return np.asarray(x).tolist()


def _with_grad(tf, y, x, seed=3):
    r = np.random.RandomState(seed).normal(size=y.shape.as_list()).astype(np.float32)
    return [y, tf.gradients(tf.reduce_sum(y * r), x)[0]]


def _names(tf):
    return {"global": _vars(tf, tf.GraphKeys.GLOBAL_VARIABLES),
            "model": _vars(tf, tf.GraphKeys.MODEL_VARIABLES),
            "trainable": _vars(tf, tf.GraphKeys.TRAINABLE_VARIABLES)}


def case_fully_connected(tf, slim):
    tf.reset_default_graph()
    x = tf.constant(np.random.RandomState(0).normal(size=[3, 5]).astype(np.float32))
    a = slim.fully_connected(x, 4, weights_initializer=const_init(tf, 1),
                             biases_initializer=const_init(tf, 2), outputs_collections="ep")
    b = slim.fully_connected(a, 3, activation_fn=None, weights_initializer=const_init(tf, 3),
                             weights_regularizer=slim.l2_regularizer(0.1),
                             biases_initializer=None, variables_collections=["mine"])
    c = slim.fully_connected(b, 2, normalizer_fn=slim.layer_norm,
                             normalizer_params={"center": False},
                             weights_initializer=const_init(tf, 4), scope="norm")
    d = slim.fully_connected(tf.reshape(x, [3, 1, 5]), 2, weights_initializer=const_init(tf, 5))
    regs = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    vals = _run(tf, _with_grad(tf, c, x) + [a, b, d] + regs)
    out = _names(tf)
    out.update(mine=_vars(tf, "mine"), ep=[t.name for t in tf.get_collection("ep")],
               regs=[[r.op.name, float(v)] for r, v in zip(regs, vals[5:])],
               values=[_arr(v) for v in vals[:5]], shapes=[t.shape.as_list() for t in (a, d)])
    return out


def case_conv(tf, slim):
    tf.reset_default_graph()
    x = tf.constant(np.random.RandomState(1).normal(size=[2, 7, 7, 3]).astype(np.float32))
    ys = [slim.conv2d(x, 4, [3, 3], weights_initializer=const_init(tf, 10),
                      biases_initializer=const_init(tf, 11)),
          slim.conv2d(x, 2, 3, stride=2, padding="VALID", activation_fn=None,
                      weights_initializer=const_init(tf, 12)),
          slim.convolution2d(x, 2, [3, 2], rate=2, weights_initializer=const_init(tf, 13),
                             scope="atrous"),
          slim.conv2d_transpose(x, 2, 3, stride=2, weights_initializer=const_init(tf, 14)),
          slim.conv2d_transpose(x, 2, [2, 3], stride=[2, 1], padding="VALID",
                                activation_fn=None, weights_initializer=const_init(tf, 15)),
          slim.separable_conv2d(x, 5, 3, depth_multiplier=2,
                                weights_initializer=const_init(tf, 16)),
          slim.separable_conv2d(x, None, [3, 3], stride=2, activation_fn=None,
                                weights_initializer=const_init(tf, 17))]
    total = tf.add_n([tf.reduce_sum(y * (i + 1.0)) for i, y in enumerate(ys)])
    fetch = ys + [tf.gradients(total, x)[0]]
    vals = _run(tf, fetch)
    out = _names(tf)
    out.update(values=[_arr(v) for v in vals], shapes=[y.shape.as_list() for y in ys])
    return out


def case_pool_flatten(tf, slim):
    tf.reset_default_graph()
    x = tf.constant(np.random.RandomState(2).normal(size=[2, 5, 5, 3]).astype(np.float32))
    ys = [slim.max_pool2d(x, [2, 2]), slim.avg_pool2d(x, 3, stride=1, padding="SAME"),
          slim.max_pool2d(x, 3, stride=[1, 2], scope="p"), slim.avg_pool2d(x, [2, 2]),
          slim.flatten(x), slim.dropout(x, 0.5, is_training=False),
          slim.one_hot_encoding(tf.constant([0, 2, 1]), 3)]
    grads = tf.gradients(tf.add_n([tf.reduce_sum(y * (i + 1.0)) for i, y in
                                   enumerate(ys[:6])]), x)
    vals = _run(tf, ys + grads)
    return {"names": [y.op.name for y in ys], "shapes": [y.shape.as_list() for y in ys],
            "values": [_arr(v) for v in vals], "global": _vars(tf, "variables")}


def case_3d_and_softmax(tf, slim):
    tf.reset_default_graph()
    x = tf.constant(np.random.RandomState(12).normal(size=[2, 4, 5, 4, 2]).astype(np.float32))
    ys = [slim.conv3d(x, 3, [2, 3, 2], weights_initializer=const_init(tf, 70)),
          slim.conv3d(x, 2, 3, stride=2, padding="VALID", activation_fn=None,
                      weights_initializer=const_init(tf, 71)),
          slim.max_pool3d(x, [2, 2, 2]), slim.avg_pool3d(x, 3, stride=1, padding="SAME"),
          slim.softmax(x, scope="Predictions")]
    total = tf.add_n([tf.reduce_sum(y * (i + 1.0)) for i, y in enumerate(ys)])
    vals = _run(tf, ys + [tf.gradients(total, x)[0]])
    out = _names(tf)
    out.update(values=[_arr(v) for v in vals], shapes=[y.shape.as_list() for y in ys])
    return out


BN_CONFIGS = [
    ("rank2", [4, 3], {}),
    ("rank2_scale_decay", [4, 3], {"scale": True, "decay": 0.9}),
    ("rank2_forced", [4, 3], {"updates_collections": None, "decay": 0.5}),
    ("rank2_fused_forced", [4, 3], {"updates_collections": None, "decay": 0.5,
                                    "fused": True}),
    ("rank4", [2, 3, 3, 2], {"decay": 0.5, "scale": True}),
    ("rank4_unfused", [2, 3, 3, 2], {"decay": 0.5, "fused": False}),
    ("rank4_forced", [2, 3, 3, 2], {"decay": 0.5, "updates_collections": None}),
    ("rank4_nchw", [2, 2, 3, 3], {"decay": 0.5, "data_format": "NCHW", "scale": True}),
    ("rank4_collection", [2, 3, 3, 2], {"decay": 0.5, "updates_collections": "mine"}),
    ("inference", [4, 3], {"is_training": False}),
    ("rank3", [2, 3, 2], {"decay": 0.5}),
    ("rank2_flag", [4, 3], {"decay": 0.5, "is_training": "flag"}),
    ("rank4_flag", [2, 3, 3, 2], {"decay": 0.5, "is_training": "flag", "scale": True}),
    ("rank4_flag_forced", [2, 3, 3, 2], {"decay": 0.5, "is_training": "flag",
                                         "updates_collections": None}),
]


def case_batch_norm(tf, slim):
    out = {}
    for name, shape, kwargs in BN_CONFIGS:
        tf.reset_default_graph()
        x = tf.constant(np.random.RandomState(4).normal(1.0, 2.0, size=shape).astype(np.float32))
        feed, flag = {}, None
        if kwargs.get("is_training") == "flag":    # a boolean tensor: fed True, then False
            flag = kwargs["is_training"] = tf.placeholder(tf.bool, [])
            feed = {flag: True}
        y = slim.batch_norm(x, param_initializers={"beta": const_init(tf, 20)}, **kwargs)
        updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS) + tf.get_collection("mine")
        moving = [v for v in tf.global_variables() if "moving" in v.op.name]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first = sess.run(_with_grad(tf, y, x) + updates, feed)
            after = sess.run(moving)
            if flag is not None:
                first[:2] += sess.run(_with_grad(tf, y, x) + updates, {flag: False})[:2]
                after += sess.run(moving)
        out[name] = {"names": _names(tf), "n_updates": len(updates),
                     "values": [_arr(v) for v in first[:2 if flag is None else 4]],
                     "moving": [_arr(v) for v in after]}
    return out


def case_layer_norm(tf, slim):
    tf.reset_default_graph()
    x = tf.constant(np.random.RandomState(5).normal(size=[2, 3, 4]).astype(np.float32))
    ys = [slim.layer_norm(x), slim.layer_norm(x, begin_norm_axis=-1, begin_params_axis=-2,
                                              activation_fn=tf.nn.relu),
          slim.layer_norm(x, center=False, scale=False, begin_norm_axis=2)]
    vals = _run(tf, [y for y in ys] + [tf.gradients(tf.add_n(
        [tf.reduce_sum(y * y * (i + 1.0)) for i, y in enumerate(ys)]), x)[0]])
    out = _names(tf)
    out["values"] = [_arr(v) for v in vals]
    return out


def case_repeat_stack_argscope(tf, slim):
    tf.reset_default_graph()
    x = tf.constant(np.random.RandomState(6).normal(size=[2, 4]).astype(np.float32))
    with slim.arg_scope([slim.fully_connected], weights_initializer=const_init(tf, 30),
                        activation_fn=tf.nn.tanh):
        with slim.arg_scope([slim.fully_connected], biases_initializer=const_init(tf, 31)):
            a = slim.repeat(x, 2, slim.fully_connected, 4, scope="rep")
            b = slim.stack(a, slim.fully_connected, [3, 5], scope="st")
            c = slim.stack(b, slim.fully_connected, [2, 2])
            d = slim.repeat(c, 2, slim.fully_connected, 2)
        e = slim.fully_connected(d, 2, activation_fn=None)
    vals = _run(tf, [a, b, c, d, e])
    out = _names(tf)
    out["values"] = [_arr(v) for v in vals]
    return out


def case_regularizers(tf, slim):
    tf.reset_default_graph()
    w = tf.constant(np.random.RandomState(7).normal(size=[3, 4]).astype(np.float32))
    regs = [slim.l1_regularizer(0.5)(w), slim.l2_regularizer(0.25)(w),
            slim.l1_l2_regularizer(0.1, 0.2)(w),
            slim.sum_regularizer([slim.l1_regularizer(0.3), None,
                                  slim.l2_regularizer(0.7)])(w)]
    total = slim.apply_regularization(slim.l2_regularizer(0.5), [w, w * 2.0])
    vals = _run(tf, regs + [total])
    return {"values": [float(v) for v in vals], "names": [r.op.name for r in regs + [total]],
            "collection": [r.op.name for r in
                           tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)]}


def case_initializers(tf, slim):
    tf.reset_default_graph()
    shape = [3, 3, 40, 60]
    inits = [slim.xavier_initializer(), slim.xavier_initializer(uniform=False),
             slim.variance_scaling_initializer(),
             slim.variance_scaling_initializer(1.0, "FAN_OUT", True),
             slim.variance_scaling_initializer(3.0, "FAN_AVG", False)]
    vals = _run(tf, [i(shape) for i in inits])
    return {"std": [float(np.std(v)) for v in vals],
            "maxabs": [float(np.max(np.abs(v))) for v in vals]}


def case_losses(tf, slim):
    tf.reset_default_graph()
    rng = np.random.RandomState(8)
    logits = tf.constant(rng.normal(size=[4, 3]).astype(np.float32))
    onehot = tf.constant(np.eye(3)[[0, 2, 1, 2]].astype(np.float32))
    multi = tf.constant((rng.uniform(size=[4, 3]) > 0.5).astype(np.float32))
    w = tf.constant([1.0, 0.0, 2.0, 1.0])
    slim.fully_connected(logits, 2, weights_regularizer=slim.l2_regularizer(0.3),
                         weights_initializer=const_init(tf, 40))
    losses = [slim.losses.softmax_cross_entropy(logits, onehot, label_smoothing=0.1),
              slim.losses.softmax_cross_entropy(logits, onehot, weights=w),
              slim.losses.sigmoid_cross_entropy(logits, multi, label_smoothing=0.2),
              slim.losses.mean_squared_error(logits, onehot),
              slim.losses.sparse_softmax_cross_entropy(logits, tf.constant([0, 2, 1, 2]))]
    total = slim.losses.get_total_loss()
    no_reg = slim.losses.get_total_loss(add_regularization_losses=False, name="data")
    vals = _run(tf, losses + [total, no_reg])
    return {"values": [float(v) for v in vals],
            "names": [t.op.name for t in losses + [total, no_reg]],
            "collection": [t.op.name for t in slim.losses.get_losses()],
            "regs": [t.op.name for t in slim.losses.get_regularization_losses()]}


def _small_net(tf, slim, bn=False):
    rng = np.random.RandomState(9)
    x = tf.constant(rng.normal(size=[6, 4]).astype(np.float32))
    y = tf.constant(np.eye(3)[[0, 1, 2, 1, 0, 2]].astype(np.float32))
    h = slim.fully_connected(x, 5, weights_initializer=const_init(tf, 50),
                             normalizer_fn=slim.batch_norm if bn else None,
                             normalizer_params={"decay": 0.5} if bn else None)
    logits = slim.fully_connected(h, 3, activation_fn=None,
                                  weights_initializer=const_init(tf, 51))
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))


def _train(tf, op, steps=3):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        losses = [float(sess.run(op)) for _ in range(steps)]
        weights = sess.run(tf.global_variables())
    return losses, [_arr(w) for w in weights]


def case_optimize_loss(tf, slim):
    out = {}
    for name, opt, clip, summ in [("sgd_clip", "SGD", 0.5, ["loss", "gradients"]),
                                  ("adam", "Adam", None, None),
                                  ("momentum_norms", "Momentum", 0.3,
                                   ["gradient_norm", "global_gradient_norm"])]:
        tf.reset_default_graph()
        loss = _small_net(tf, slim)
        gs = tf.train.get_or_create_global_step()
        op = slim.optimize_loss(loss, gs, 0.1, opt, clip_gradients=clip, summaries=summ)
        losses, weights = _train(tf, op)
        out[name] = {"losses": losses, "weights": weights, "global": _vars(tf, "variables"),
                     "summaries": sorted(s.op.name for s in tf.get_collection("summaries"))}
    return out


def case_create_train_op(tf, slim):
    out = {}
    for name, kwargs in [("plain", {}), ("clip", {"clip_gradient_norm": 0.05}),
                         ("subset", {"summarize_gradients": True})]:
        tf.reset_default_graph()
        loss = _small_net(tf, slim, bn=True)
        if name == "subset":
            kwargs["variables_to_train"] = slim.get_variables("fully_connected_1")
        op = slim.learning.create_train_op(loss, tf.train.GradientDescentOptimizer(0.2),
                                           **kwargs)
        losses, weights = _train(tf, op)
        out[name] = {"losses": losses, "weights": weights, "global": _vars(tf, "variables"),
                     "train_op": [t.name for t in tf.get_collection("train_op")],
                     "summaries": sorted(s.op.name for s in tf.get_collection("summaries"))}
    return out


def _embed_sequence(tf, slim, ids, vocab_size, embed_dim, init):
    """``tf.contrib.layers.embed_sequence``; tf_slim lacks it, so on TF its 1.15 body."""
    if hasattr(tf, "contrib"):
        return tf.contrib.layers.embed_sequence(ids, vocab_size, embed_dim, initializer=init)
    with tf.variable_scope(None, "EmbedSequence", [ids]):
        emb = slim.model_variable("embeddings", [vocab_size, embed_dim], initializer=init)
        return tf.nn.embedding_lookup(emb, ids)


def case_misc_layers(tf, slim):
    tf.reset_default_graph()
    x = tf.constant(np.random.RandomState(10).normal(size=[2, 3, 2, 2]).astype(np.float32))
    ids = tf.constant([[1, 2, 0], [3, 3, 1]])
    ys = [slim.bias_add(x, initializer=const_init(tf, 60)),
          slim.bias_add(x, data_format="NCHW", activation_fn=tf.nn.relu,
                        initializer=const_init(tf, 61)),
          _embed_sequence(tf, slim, ids, 4, 3, const_init(tf, 62))]
    vals = _run(tf, ys + [tf.gradients(tf.reduce_sum(ys[0] * ys[1]), x)[0]])
    out = _names(tf)
    out["values"] = [_arr(v) for v in vals]
    return out


def case_variables(tf, slim):
    tf.reset_default_graph()
    with tf.variable_scope("net"):
        slim.model_variable("w", [2, 3], initializer=tf.zeros_initializer())
        slim.variable("v", [3], initializer=tf.ones_initializer(), collections=["extra"])
        with tf.variable_scope("head"):
            slim.model_variable("w", [3], initializer=tf.zeros_initializer())
            tf.get_variable("b", [1])
    gs = slim.get_or_create_global_step()

    def names(vs):
        return [v.op.name for v in vs]
    return {"restore_all": names(slim.get_variables_to_restore()),
            "include": names(slim.get_variables_to_restore(include=["net/head"])),
            "exclude": names(slim.get_variables_to_restore(exclude=["net/head", "global"])),
            "model": names(slim.get_model_variables()),
            "by_suffix": names(slim.get_variables(suffix="w")),
            "by_name": names(slim.get_variables_by_name("w")),
            "scope": names(slim.get_variables("net/head")),
            "extra": names(tf.get_collection("extra")), "global_step": gs.op.name}


def case_evaluate_once(tf, slim):
    import os
    import tempfile
    tmp = tempfile.mkdtemp(prefix="slim_eval_")
    tf.reset_default_graph()
    w = tf.get_variable("w", initializer=tf.constant([0.5, -1.0, 2.0]))
    gs = tf.train.get_or_create_global_step()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(gs, 7))
        path = tf.train.Saver().save(sess, os.path.join(tmp, "model.ckpt"))
    tf.reset_default_graph()
    w = tf.get_variable("w", [3])
    tf.train.get_or_create_global_step()
    rng = np.random.RandomState(11)
    data = tf.data.Dataset.from_tensor_slices(
        (rng.normal(size=[12, 3]).astype(np.float32), rng.randint(0, 3, 12))).batch(4)
    x, labels = tf.data.make_one_shot_iterator(data).get_next()
    scores = x * w
    values, updates = slim.metrics.aggregate_metric_map({
        "mean": slim.metrics.streaming_mean(scores),
        "accuracy": slim.metrics.streaming_accuracy(tf.argmax(scores, 1), labels),
        "mse": slim.metrics.streaming_mean_squared_error(scores, x)})
    tf.summary.scalar("eval/mean", values["mean"])
    got = slim.evaluation.evaluate_once("", path, os.path.join(tmp, "eval"), num_evals=2,
                                        eval_op=list(updates.values()), final_op=values)
    return {"values": {k: float(v) for k, v in got.items()},
            "local": sorted(v.op.name for v in tf.local_variables()),
            "events": len(os.listdir(os.path.join(tmp, "eval")))}


CASES = [case_fully_connected, case_conv, case_3d_and_softmax, case_pool_flatten, case_batch_norm,
         case_layer_norm, case_repeat_stack_argscope, case_regularizers, case_initializers,
         case_losses, case_optimize_loss, case_create_train_op, case_misc_layers,
         case_variables, case_evaluate_once]
