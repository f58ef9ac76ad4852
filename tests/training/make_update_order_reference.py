"""Records TF 2.21's fused optimizer updates (``tf.compat.v1`` graph mode, the raw
``Apply*`` / ``SparseApply*`` ops on reference variables, CPU) into
``update_order_reference.json`` for ``test_update_order.py``.

Every case starts from float32 variables and slots drawn here (magnitudes from 1e-6 to
1e6 for variables and from 1e-8 to 1e16 for gradients, some gradients exactly +0 or -0,
no subnormal numbers: TF runs its kernels with subnormals flushed to zero) and applies
three steps with fresh gradients (``CASES``); so do the TF1 optimizers whose sparse
update is a Python graph, on a ``gather`` with a repeated index (``OPTIMIZERS``). The
file keeps the inputs and every buffer after every
step as hex float32 bit patterns (one string of 8 hex digits per element), so the test
needs no random numbers and no TF.

Not a test: run it with the TF peer environment, from the repository root::

    taskset -c 1 /work/venvs/tf/bin/python tests/training/make_update_order_reference.py
"""

import json
import os
import zlib

import numpy as np

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import tensorflow.compat.v1 as tf  # noqa: E402
from tensorflow.python.framework import op_def_registry  # noqa: E402

tf.disable_eager_execution()
HERE = os.path.dirname(os.path.abspath(__file__))
DENSE, ROWS, FLAT = (3, 7), (5, 11), (9,)  # 21 elements: two 8-wide packets and a tail
STEPS = 3

# name: (TF op, trainkit op, buffers after the variable, trainkit scalar order (TF input
# names), hyperparameters, TF attrs, shape, sparse indices or None)
CASES = {
    "gd": ("ApplyGradientDescent", None, [], ["alpha"], {"alpha": 0.0137}, {}, DENSE,
           None),
    "momentum": ("ApplyMomentum", None, ["accum"], ["lr", "momentum"],
                 {"lr": 0.0137, "momentum": 0.87}, {}, DENSE, None),
    "nesterov": ("ApplyMomentum", None, ["accum"], ["lr", "momentum"],
                 {"lr": 0.0137, "momentum": 0.87}, {"use_nesterov": True}, DENSE, None),
    "adam": ("ApplyAdam", None, ["m", "v"],
             ["beta1_power", "beta2_power", "lr", "beta1", "beta2", "epsilon"],
             {"beta1_power": 0.9 ** 3, "beta2_power": 0.999 ** 3, "lr": 0.0013,
              "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-7}, {}, DENSE, None),
    "adam_nesterov": ("ApplyAdam", None, ["m", "v"],
                      ["beta1_power", "beta2_power", "lr", "beta1", "beta2", "epsilon"],
                      {"beta1_power": 0.3, "beta2_power": 0.7, "lr": 0.0013,
                       "beta1": 0.83, "beta2": 0.97, "epsilon": 1e-3},
                      {"use_nesterov": True, "use_locking": True}, DENSE, None),
    "adamax": ("ApplyAdaMax", None, ["m", "v"],
               ["beta1_power", "lr", "beta1", "beta2", "epsilon"],
               {"beta1_power": 0.3, "lr": 0.0021, "beta1": 0.83, "beta2": 0.97,
                "epsilon": 1e-3}, {}, DENSE, None),
    "adagrad": ("ApplyAdagrad", None, ["accum"], ["lr"], {"lr": 0.0137}, {}, DENSE, None),
    "adagrad_frozen": ("ApplyAdagrad", None, ["accum"], ["lr"], {"lr": 0.0137},
                       {"update_slots": False}, DENSE, None),
    "adagrad_da": ("ApplyAdagradDA", None, ["gradient_accumulator",
                                            "gradient_squared_accumulator"],
                   ["lr", "l1", "l2", "global_step"],
                   {"lr": 0.0137, "l1": 0.0, "l2": 0.031, "global_step": 7}, {}, DENSE,
                   None),
    "adagrad_da_l1": ("ApplyAdagradDA", None, ["gradient_accumulator",
                                               "gradient_squared_accumulator"],
                      ["lr", "l1", "l2", "global_step"],
                      {"lr": 0.0137, "l1": 0.013, "l2": 0.031, "global_step": 7}, {},
                      DENSE, None),
    "adadelta": ("ApplyAdadelta", None, ["accum", "accum_update"],
                 ["lr", "rho", "epsilon"], {"lr": 0.7, "rho": 0.93, "epsilon": 1e-6}, {},
                 DENSE, None),
    "rmsprop": ("ApplyRMSProp", None, ["ms", "mom"], ["lr", "rho", "momentum", "epsilon"],
                {"lr": 0.0137, "rho": 0.87, "momentum": 0.6, "epsilon": 1e-3}, {}, DENSE,
                None),
    "rmsprop_no_momentum": ("ApplyRMSProp", None, ["ms", "mom"],
                            ["lr", "rho", "momentum", "epsilon"],
                            {"lr": 0.00025, "rho": 0.99, "momentum": 0.0,
                             "epsilon": 1e-10}, {}, DENSE, None),
    "centered_rmsprop": ("ApplyCenteredRMSProp", None, ["mg", "ms", "mom"],
                         ["lr", "rho", "momentum", "epsilon"],
                         {"lr": 0.0137, "rho": 0.87, "momentum": 0.6, "epsilon": 1e-3},
                         {}, DENSE, None),
    "centered_rmsprop_no_momentum": ("ApplyCenteredRMSProp", None, ["mg", "ms", "mom"],
                                     ["lr", "rho", "momentum", "epsilon"],
                                     {"lr": 0.00025, "rho": 0.9, "momentum": 0.0,
                                      "epsilon": 1e-10}, {}, DENSE, None),
    # TF1's FtrlOptimizer runs ApplyFtrl without l2 shrinkage; trainkit's kernel is
    # ApplyFtrlV2 with a zero shrinkage then
    "ftrl": ("ApplyFtrl", "ApplyFtrlV2", ["accum", "linear"],
             ["lr", "l1", "l2", "l2_shrinkage", "lr_power"],
             {"lr": 0.0137, "l1": 0.002, "l2": 0.031, "l2_shrinkage": 0.0,
              "lr_power": -0.5}, {}, DENSE, None),
    "ftrl_v2": ("ApplyFtrlV2", None, ["accum", "linear"],
                ["lr", "l1", "l2", "l2_shrinkage", "lr_power"],
                {"lr": 0.0137, "l1": 0.002, "l2": 0.031, "l2_shrinkage": 0.05,
                 "lr_power": -0.5}, {}, DENSE, None),
    "ftrl_power": ("ApplyFtrl", "ApplyFtrlV2", ["accum", "linear"],
                   ["lr", "l1", "l2", "l2_shrinkage", "lr_power"],
                   {"lr": 0.0137, "l1": 0.002, "l2": 0.031, "l2_shrinkage": 0.0,
                    "lr_power": -0.7}, {}, DENSE, None),
    "proximal_gd": ("ApplyProximalGradientDescent", None, [], ["alpha", "l1", "l2"],
                    {"alpha": 0.0137, "l1": 0.0, "l2": 0.031}, {}, DENSE, None),
    "proximal_gd_l1": ("ApplyProximalGradientDescent", None, [], ["alpha", "l1", "l2"],
                       {"alpha": 0.0137, "l1": 0.3, "l2": 0.031}, {}, DENSE, None),
    "proximal_adagrad": ("ApplyProximalAdagrad", None, ["accum"], ["lr", "l1", "l2"],
                         {"lr": 0.0137, "l1": 0.0, "l2": 0.031}, {}, DENSE, None),
    "proximal_adagrad_l1": ("ApplyProximalAdagrad", None, ["accum"], ["lr", "l1", "l2"],
                            {"lr": 0.0137, "l1": 0.3, "l2": 0.031}, {}, DENSE, None),
    "add_sign": ("ApplyAddSign", None, ["m"], ["lr", "alpha", "sign_decay", "beta"],
                 {"lr": 0.0137, "alpha": 1.0, "sign_decay": 0.93, "beta": 0.9}, {}, DENSE,
                 None),
    "power_sign": ("ApplyPowerSign", None, ["m"], ["lr", "logbase", "sign_decay", "beta"],
                   {"lr": 0.0137, "logbase": float(np.log(2.0)), "sign_decay": 0.93,
                    "beta": 0.9}, {}, DENSE, None),
    "sparse_momentum": ("SparseApplyMomentum", None, ["accum"], ["lr", "momentum"],
                        {"lr": 0.0137, "momentum": 0.87}, {}, ROWS, [3, 0, 4]),
    "sparse_nesterov": ("SparseApplyMomentum", None, ["accum"], ["lr", "momentum"],
                        {"lr": 0.0137, "momentum": 0.87}, {"use_nesterov": True}, ROWS,
                        [3, 0, 4]),
    "sparse_keras_momentum": ("ResourceSparseApplyKerasMomentum", "SparseApplyKerasMomentum",
                              ["accum"], ["lr", "momentum"],
                              {"lr": 0.0137, "momentum": 0.87}, {"use_nesterov": True},
                              ROWS, [3, 0, 4]),
    "sparse_adagrad": ("SparseApplyAdagrad", None, ["accum"], ["lr"], {"lr": 0.0137}, {},
                       ROWS, [3, 0, 4]),
    "sparse_adagrad_flat": ("SparseApplyAdagrad", None, ["accum"], ["lr"], {"lr": 0.0137},
                            {}, FLAT, [7, 2, 5]),
    "sparse_adagrad_da": ("SparseApplyAdagradDA", None, ["gradient_accumulator",
                                                         "gradient_squared_accumulator"],
                          ["lr", "l1", "l2", "global_step"],
                          {"lr": 0.0137, "l1": 0.013, "l2": 0.031, "global_step": 7}, {},
                          ROWS, [3, 0, 4]),
    "sparse_adagrad_da_flat": ("SparseApplyAdagradDA", None,
                               ["gradient_accumulator", "gradient_squared_accumulator"],
                               ["lr", "l1", "l2", "global_step"],
                               {"lr": 0.0137, "l1": 0.013, "l2": 0.031, "global_step": 7},
                               {}, FLAT, [7, 2, 5]),
    "sparse_adadelta": ("SparseApplyAdadelta", None, ["accum", "accum_update"],
                        ["lr", "rho", "epsilon"], {"lr": 0.7, "rho": 0.93, "epsilon": 1e-6},
                        {}, ROWS, [3, 0, 4]),
    "sparse_rmsprop": ("SparseApplyRMSProp", None, ["ms", "mom"],
                       ["lr", "rho", "momentum", "epsilon"],
                       {"lr": 0.0137, "rho": 0.87, "momentum": 0.6, "epsilon": 1e-3}, {},
                       ROWS, [3, 0, 4]),
    "sparse_centered_rmsprop": ("SparseApplyCenteredRMSProp", None, ["mg", "ms", "mom"],
                                ["lr", "rho", "momentum", "epsilon"],
                                {"lr": 0.0137, "rho": 0.87, "momentum": 0.6,
                                 "epsilon": 1e-3}, {}, ROWS, [3, 0, 4]),
    "sparse_ftrl": ("SparseApplyFtrl", "SparseApplyFtrlV2", ["accum", "linear"],
                    ["lr", "l1", "l2", "l2_shrinkage", "lr_power"],
                    {"lr": 0.0137, "l1": 0.002, "l2": 0.031, "l2_shrinkage": 0.0,
                     "lr_power": -0.5}, {}, ROWS, [3, 0, 4]),
    "sparse_ftrl_flat": ("SparseApplyFtrl", "SparseApplyFtrlV2", ["accum", "linear"],
                         ["lr", "l1", "l2", "l2_shrinkage", "lr_power"],
                         {"lr": 0.0137, "l1": 0.002, "l2": 0.031, "l2_shrinkage": 0.0,
                          "lr_power": -0.5}, {}, FLAT, [7, 2, 5]),
    "sparse_ftrl_v2": ("SparseApplyFtrlV2", None, ["accum", "linear"],
                       ["lr", "l1", "l2", "l2_shrinkage", "lr_power"],
                       {"lr": 0.0137, "l1": 0.002, "l2": 0.031, "l2_shrinkage": 0.05,
                        "lr_power": -0.5}, {}, ROWS, [3, 0, 4]),
    "sparse_proximal_gd": ("SparseApplyProximalGradientDescent", None, [],
                           ["alpha", "l1", "l2"], {"alpha": 0.0137, "l1": 0.3, "l2": 0.031},
                           {}, ROWS, [3, 0, 4]),
    "sparse_proximal_gd_flat": ("SparseApplyProximalGradientDescent", None, [],
                                ["alpha", "l1", "l2"],
                                {"alpha": 0.0137, "l1": 0.3, "l2": 0.031}, {}, FLAT,
                                [7, 2, 5]),
    "sparse_proximal_adagrad": ("SparseApplyProximalAdagrad", None, ["accum"],
                                ["lr", "l1", "l2"], {"lr": 0.0137, "l1": 0.3, "l2": 0.031},
                                {}, ROWS, [3, 0, 4]),
    "sparse_proximal_adagrad_flat": ("SparseApplyProximalAdagrad", None, ["accum"],
                                     ["lr", "l1", "l2"],
                                     {"lr": 0.0137, "l1": 0.3, "l2": 0.031}, {}, FLAT,
                                     [7, 2, 5]),
}

# tf.contrib.opt's sparse updates were Python graphs in TF 1.15 (no raw op): the same
# graphs are built here with TF 2.21's ops (``_contrib_update``); trainkit runs them as one
# kernel each. name: (graph, trainkit op, slots, trainkit scalar order, hyperparameters)
_ADAM_H = {"beta1_power": 0.3, "beta2_power": 0.7, "lr": 0.0013, "beta1": 0.83,
           "beta2": 0.97, "epsilon": 1e-3}
_ADAM_S = ["beta1_power", "beta2_power", "lr", "beta1", "beta2", "epsilon"]
CONTRIB = {
    "sparse_lazy_adam": ("lazy_adam", "SparseApplyLazyAdam", ["m", "v"], _ADAM_S, _ADAM_H),
    "sparse_nadam": ("nadam", "SparseApplyNadam", ["m", "v"], _ADAM_S, _ADAM_H),
    "sparse_adamax": ("adamax", "SparseApplyAdaMax", ["m", "v"],
                      ["beta1_power", "lr", "beta1", "beta2", "epsilon"],
                      {k: v for k, v in _ADAM_H.items() if k != "beta2_power"}),
    "sparse_add_sign": ("add_sign", "SparseApplyAddSign", ["m"],
                        ["lr", "alpha", "sign_decay", "beta"],
                        {"lr": 0.0137, "alpha": 1.0, "sign_decay": 0.93, "beta": 0.9}),
    "sparse_power_sign": ("power_sign", "SparseApplyPowerSign", ["m"],
                          ["lr", "logbase", "sign_decay", "beta"],
                          {"lr": 0.0137, "logbase": float(np.log(2.0)), "sign_decay": 0.93,
                           "beta": 0.9}),
}


def _contrib_update(kind: str, var, slots: dict, h: dict, g, idx):  # noqa: ANN001, ANN202
    """TF 1.15's tf.contrib.opt sparse update graph for ``kind`` (hyperparameters as
    constants, as the optimizers made them; the beta powers and the sign decay as
    variables, as they were)."""
    c = {k: tf.constant(v, tf.float32) for k, v in h.items()}
    for k in ("beta1_power", "beta2_power", "sign_decay"):
        if k in h:
            c[k] = tf.Variable(np.float32(h[k]), use_resource=False, name=k).read_value()
    m = slots["m"]
    if kind in ("lazy_adam", "nadam"):
        lr = c["lr"] * tf.sqrt(1 - c["beta2_power"]) / (1 - c["beta1_power"])
    if kind == "lazy_adam":
        m_t = tf.scatter_update(m, idx, c["beta1"] * tf.gather(m, idx) + (1 - c["beta1"]) * g)
        v = slots["v"]
        v_t = tf.scatter_update(v, idx, c["beta2"] * tf.gather(v, idx) +
                                (1 - c["beta2"]) * tf.square(g))
        den = tf.sqrt(tf.gather(v_t, idx)) + c["epsilon"]
        return tf.scatter_sub(var, idx, lr * tf.gather(m_t, idx) / den)
    if kind == "nadam":
        scaled = g * (1 - c["beta1"])
        m_t = tf.assign(m, m * c["beta1"])
        with tf.control_dependencies([m_t]):
            m_t = tf.scatter_add(m, idx, scaled)
            m_bar = scaled + c["beta1"] * tf.gather(m_t, idx)
        v = slots["v"]
        v_scaled = (g * g) * (1 - c["beta2"])
        v_t = tf.assign(v, v * c["beta2"])
        with tf.control_dependencies([v_t]):
            v_t = tf.scatter_add(v, idx, v_scaled)
        den = tf.sqrt(tf.gather(v_t, idx)) + c["epsilon"]
        return tf.scatter_add(var, idx, -lr * m_bar / den)
    if kind == "adamax":
        m_new = tf.gather(m, idx) * c["beta1"] + g * (1 - c["beta1"])
        v = slots["v"]
        v_new = tf.maximum(tf.gather(v, idx) * c["beta2"], tf.abs(g))
        step = -c["lr"] / (1 - c["beta1_power"]) * (m_new / (v_new + c["epsilon"]))
        with tf.control_dependencies([tf.scatter_update(m, idx, m_new),
                                      tf.scatter_update(v, idx, v_new)]):
            return tf.scatter_add(var, idx, step)
    # add_sign / power_sign: the gradient made dense for the moment, as TF 1.15's
    # ``grad * (1 - beta)`` on IndexedSlices did
    dense = tf.convert_to_tensor(tf.IndexedSlices(g, idx, tf.constant(ROWS)))
    m_t = tf.assign(m, m * c["beta"] + dense * (1 - c["beta"]))
    sign_gm = tf.gather(tf.sign(m_t), idx) * tf.sign(g)
    if kind == "add_sign":
        mult = c["alpha"] + c["sign_decay"] * sign_gm
    else:
        mult = tf.pow(tf.constant(np.e, tf.float32), c["logbase"] * c["sign_decay"] * sign_gm)
    return tf.scatter_sub(var, idx, c["lr"] * mult * g)


# slots that must stay positive (square accumulators) and the centered mean gradient,
# kept below the square root of the mean square
POSITIVE = {"accum", "accum_update", "ms", "v", "gradient_squared_accumulator"}


def hexbits(a: np.ndarray) -> str:
    return "".join(f"{int(u):08x}" for u in np.asarray(a, np.float32).reshape(-1)
                   .view(np.uint32))


def _magnitudes(rng: np.random.Generator, shape: tuple, lo: float, hi: float) -> np.ndarray:
    sign = np.where(rng.random(shape) < 0.5, -1.0, 1.0)
    return (sign * 10.0 ** rng.uniform(lo, hi, shape)).astype(np.float32)


def _inputs(rng: np.random.Generator, slots: list, shape: tuple, rows: int) -> tuple:
    buffers = {"var": _magnitudes(rng, shape, -6, 6)}
    for s in slots:
        if s in POSITIVE:
            buffers[s] = np.abs(_magnitudes(rng, shape, -3, 3))
        elif s == "mg":
            buffers[s] = (_magnitudes(rng, shape, -2, 0) *
                          np.sqrt(buffers["ms"]).astype(np.float32)).astype(np.float32)
        else:
            buffers[s] = _magnitudes(rng, shape, -4, 4)
    gshape = (rows,) + shape[1:] if rows else shape
    grads = []
    for _ in range(STEPS):
        g = _magnitudes(rng, gshape, -8, 16).reshape(-1)
        g[rng.random(g.size) < 0.1] = 0.0
        g[rng.integers(g.size)] = -0.0
        grads.append(g.reshape(gshape))
    return buffers, grads


def _record(name: str, spec: tuple, seed: int) -> dict:
    tf_op, tk_op, slots, scalars, hyper, attrs, shape, indices = spec
    graph_kind = None
    if tf_op.startswith("graph:"):
        graph_kind = tf_op[len("graph:"):]
    if "mg" in slots:  # ms first, so that mg can be drawn below sqrt(ms)
        order = ["ms"] + [s for s in slots if s != "ms"]
    else:
        order = slots
    rng = np.random.default_rng(seed)
    buffers, grads = _inputs(rng, order, shape, len(indices) if indices else 0)
    names = ["var"] + slots
    graph = tf.Graph()
    with graph.as_default():
        resource = tf_op.startswith("Resource")
        variables = {n: tf.Variable(buffers[n], use_resource=resource, name=n)
                     for n in names}
        g_ph = tf.placeholder(tf.float32, grads[0].shape)
        if graph_kind:
            update = _contrib_update(graph_kind, variables["var"], variables, hyper, g_ph,
                                     tf.constant(indices, tf.int32))
            return _steps(graph, update, variables, g_ph, buffers, grads, names, {
                "op": tk_op, "tf_op": f"TF 1.15 tf.contrib.opt graph ({graph_kind})",
                "buffers": names, "shape": list(shape),
                "scalars": [hexbits(np.float32(hyper[k])) for k in scalars], "attrs": {},
                "indices": indices})
        kwargs = {n: (variables[n].handle if resource else variables[n]) for n in names}
        inputs = {a.name for a in op_def_registry.get(tf_op).input_arg}
        for k, v in hyper.items():
            if k not in inputs:  # l2_shrinkage 0 for ApplyFtrl: trainkit's input only
                continue
            kwargs[k] = tf.constant(v, tf.int64 if k == "global_step" else tf.float32)
        delta = tf_op in ("ApplyGradientDescent", "ApplyProximalGradientDescent")
        kwargs["delta" if delta else "grad"] = g_ph
        if indices is not None:
            kwargs["indices"] = tf.constant(indices, tf.int32)
        kwargs.update(attrs)
        update = getattr(tf.raw_ops, tf_op)(**kwargs)
        return _steps(graph, update, variables, g_ph, buffers, grads, names, {
            "op": tk_op or tf_op, "tf_op": tf_op, "buffers": names, "shape": list(shape),
            "scalars": [hexbits(np.float32(hyper[k])) for k in scalars],
            "attrs": {k: v for k, v in attrs.items() if k != "use_locking"},
            "indices": indices})


def _steps(graph, update, variables, g_ph, buffers, grads, names, record):  # noqa: ANN001, ANN202
    """Runs the steps; ``record`` plus the inputs and the buffers after each step."""
    with graph.as_default(), tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        after = []
        for g in grads:
            sess.run(update, {g_ph: g})
            after.append({n: hexbits(sess.run(variables[n])) for n in names})
    return {**record, "init": {n: hexbits(buffers[n]) for n in names},
            "grads": [hexbits(g) for g in grads], "after": after}


# TF1 optimizers whose sparse update is a Python graph of scatters (and GradientDescent,
# which does not sum repeated indices): name -> (optimizer, arguments, slot names)
OPTIMIZERS = {
    "gd": ("GradientDescentOptimizer", {"learning_rate": 0.0137}, []),
    "momentum": ("MomentumOptimizer", {"learning_rate": 0.0137, "momentum": 0.87},
                 ["momentum"]),
    "adam": ("AdamOptimizer", {"learning_rate": 0.0013}, ["m", "v"]),
}
SPARSE_INDICES = [3, 0, 3, 1]  # 3 twice: repeated rows


def _record_optimizer(name: str, seed: int) -> dict:
    """Three steps of a TF1 optimizer on ``sum(gather(var, indices) * c)``, whose
    gradient is ``IndexedSlices(c, indices)``."""
    cls, kwargs, slots = OPTIMIZERS[name]
    rng = np.random.default_rng(100 + seed)
    init = _magnitudes(rng, ROWS, -6, 6)
    grads = [_magnitudes(rng, (len(SPARSE_INDICES),) + ROWS[1:], -8, 16)
             for _ in range(STEPS)]
    graph = tf.Graph()
    with graph.as_default():
        var = tf.Variable(init, use_resource=False, name="var")
        c = tf.placeholder(tf.float32, grads[0].shape)
        loss = tf.reduce_sum(tf.gather(var, SPARSE_INDICES) * c)
        opt = getattr(tf.train, cls)(**kwargs)
        train = opt.minimize(loss)
        fetch = {"var": var, **{s: opt.get_slot(var, s) for s in slots}}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            after = []
            for g in grads:
                sess.run(train, {c: g})
                after.append({k: hexbits(v) for k, v in sess.run(fetch).items()})
    return {"optimizer": cls, "kwargs": kwargs, "slots": slots, "shape": list(ROWS),
            "indices": SPARSE_INDICES, "init": hexbits(init),
            "grads": [hexbits(g) for g in grads], "after": after}


def main() -> None:
    CASES.update({name: ("graph:" + kind, op, slots, scalars, hyper, {}, ROWS, [3, 0, 4])
                  for name, (kind, op, slots, scalars, hyper) in CONTRIB.items()})
    out = {"tensorflow": tf.__version__,
           "cases": {name: _record(name, spec, zlib.crc32(name.encode()))
                     for name, spec in sorted(CASES.items())},
           "optimizers": {name: _record_optimizer(name, zlib.crc32(name.encode()))
                          for name in sorted(OPTIMIZERS)}}
    with open(os.path.join(HERE, "update_order_reference.json"), "w") as f:
        f.write(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
