"""``tk.contrib.opt`` updates against TF's numbers over 3 steps, dense and sparse.

The numbers in contrib_opt_reference.json come from TF 2.21 ``tf.compat.v1`` (graph
mode, resource variables), recorded by make_contrib_opt_reference.py: the raw training
kernels where TF has them (``ResourceApplyAdaMax``, ``ResourceApplyAddSign``,
``ResourceApplyPowerSign``, ``ResourceApplyAdam(use_nesterov=True)``,
``ResourceApplyAdagrad`` / ``ResourceSparseApplyAdagrad(update_slots=False)``,
``ResourceApplyMomentum`` after LARS's trust ratio), otherwise TF 1.15's contrib rules
(AdamW / MomentumW decoupled decay, LazyAdam, sparse Nadam / AdaMax / AddSign /
PowerSign) written again with plain ``tf.compat.v1`` ops. Sparse gradients come from
``tf.gather`` with a repeated index in step 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk

REF = json.loads((Path(__file__).parent / "contrib_opt_reference.json").read_text())
INPUTS = REF["inputs"]
VAR = np.array(INPUTS["var"], np.float32)
opt = tk.contrib.opt


def _dense(make):
    """The variable after each of 3 steps of ``make().apply_gradients`` on fed grads."""
    with tk.Graph().as_default():
        v = tk.Variable(VAR, name="var")
        gp = tk.placeholder(tk.float32, VAR.shape)
        train = make().apply_gradients([(gp, v)])
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            out = []
            for g in INPUTS["grads"]:
                s.run(train, {gp: np.array(g, np.float32)})
                out.append(s.run(v))
    return out


def _sparse(make):
    """As ``_dense`` with the IndexedSlices gradient of ``sum(gather(var, ids) * rows)``."""
    with tk.Graph().as_default():
        v = tk.Variable(VAR, name="var")
        ids = tk.placeholder(tk.int32, [None])
        rows = tk.placeholder(tk.float32, [None, 3])
        loss = tk.reduce_sum(tk.gather(v, ids) * rows)
        o = make()
        gvs = o.compute_gradients(loss, [v])
        assert isinstance(gvs[0][0], tk.IndexedSlices)
        train = o.apply_gradients(gvs)
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            out = []
            for i, r in zip(INPUTS["indices"], INPUTS["rows"]):
                s.run(train, {ids: i, rows: r})
                out.append(s.run(v))
    return out


class _RegAdagradFrozen:
    """Builds RegAdagrad's update inside ``avoid_updating_slots``."""

    def __call__(self):
        return self

    def __init__(self):
        self.opt = opt.RegAdagradOptimizer(0.1)

    def compute_gradients(self, *a, **k):
        return self.opt.compute_gradients(*a, **k)

    def apply_gradients(self, gvs):
        with self.opt.avoid_updating_slots():
            return self.opt.apply_gradients(gvs)


def _half(step):
    return 0.5


CASES = {
    "adamw_dense": (_dense, lambda: opt.AdamWOptimizer(0.01, learning_rate=0.1)),
    "adamw_sparse": (_sparse, lambda: opt.AdamWOptimizer(0.01, learning_rate=0.1)),
    "momentumw_dense": (_dense, lambda: opt.MomentumWOptimizer(0.01, 0.1, 0.9)),
    "momentumw_sparse": (_sparse, lambda: opt.MomentumWOptimizer(0.01, 0.1, 0.9)),
    "momentumw_nesterov_dense": (
        _dense, lambda: opt.MomentumWOptimizer(0.01, 0.1, 0.9, use_nesterov=True)),
    "lazyadam_dense": (_dense, lambda: opt.LazyAdamOptimizer(0.1)),
    "lazyadam_sparse": (_sparse, lambda: opt.LazyAdamOptimizer(0.1)),
    "nadam_dense": (_dense, lambda: opt.NadamOptimizer(0.1)),
    "nadam_sparse": (_sparse, lambda: opt.NadamOptimizer(0.1)),
    "adamax_dense": (_dense, lambda: opt.AdaMaxOptimizer(0.1)),
    "adamax_sparse": (_sparse, lambda: opt.AdaMaxOptimizer(0.1)),
    "addsign_dense": (_dense, lambda: opt.AddSignOptimizer(0.1, 1.0, 0.9, _half)),
    "addsign_sparse": (_sparse, lambda: opt.AddSignOptimizer(0.1, 1.0, 0.9, _half)),
    "powersign_dense": (_dense, lambda: opt.PowerSignOptimizer(0.1, 2.0, 0.9, _half)),
    "powersign_sparse": (_sparse, lambda: opt.PowerSignOptimizer(0.1, 2.0, 0.9, _half)),
    "regadagrad_dense_frozen": (_dense, _RegAdagradFrozen),
    "regadagrad_sparse_frozen": (_sparse, _RegAdagradFrozen),
    "lars_dense": (_dense, lambda: opt.LARSOptimizer(0.1, 0.9, 0.01, eeta=0.5)),
    "lars_nesterov_dense": (
        _dense, lambda: opt.LARSOptimizer(0.1, 0.9, 0.01, eeta=0.5, use_nesterov=True)),
    "lars_skip_dense": (
        _dense, lambda: opt.LARSOptimizer(0.1, 0.9, 0.01, eeta=0.5, skip_list=["var"])),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_tf_over_three_steps(case):
    run, make = CASES[case]
    got = run(make)
    want = REF[case]
    for step, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_allclose(g, np.array(w, np.float32), rtol=2e-5, atol=2e-6,
                                   err_msg=f"{case} step {step + 1}")


def test_every_reference_case_is_checked():
    """No recorded case is left without a test (the slot-name list is checked in
    test_contrib_opt.py)."""
    assert set(REF) - set(CASES) == {"inputs", "adamw_variables"}


def test_sparse_rules_differ_from_dense_where_tf_does():
    """The references are not trivially equal: row 3, looked up in step 2 but not in
    step 3, stays put in step 3 under LazyAdam and moves under Adam's sparse rule (AdamW),
    whose m and v decay on every row."""
    lazy2, lazy3 = (np.array(REF["lazyadam_sparse"][k]) for k in (1, 2))
    adamw2, adamw3 = (np.array(REF["adamw_sparse"][k]) for k in (1, 2))
    np.testing.assert_array_equal(lazy3[3], lazy2[3])
    assert not np.allclose(lazy2[3], VAR[3])
    assert not np.allclose(adamw3[3], adamw2[3])
