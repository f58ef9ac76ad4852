"""Records contrib_opt_reference.json with TF 2.21 (a peer, never a dependency):

    /work/venvs/tf/bin/python tests/contrib/make_contrib_opt_reference.py

TF 2.21 has no ``tf.contrib``. Its ``tf.compat.v1`` still has the raw training kernels:
``ResourceApplyAdaMax``, ``ResourceApplyAddSign``, ``ResourceApplyPowerSign``,
``ResourceApplyAdam(use_nesterov=True)`` (Nadam), ``ResourceApplyAdagrad`` /
``ResourceSparseApplyAdagrad(update_slots=False)`` (RegAdagrad) and
``ResourceApplyMomentum`` (LARS, after the trust ratio in plain ops); those are run as
they are. The contrib optimizers whose TF 1.15 rules were Python graphs (AdamW/MomentumW's
decoupled decay, LazyAdam, the sparse rules of Nadam, AdaMax, AddSign and PowerSign) are
written here again as subclasses of ``tf.compat.v1.train`` optimizers with plain
``tf.compat.v1`` ops, following TF 1.15's tensorflow/contrib/opt/python/training/*.py.
Each case runs 3 steps on resource variables and records the variable after each step.
"""
import json
import math
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow.compat.v1 as tf  # noqa: E402
from tensorflow.python.ops import gen_training_ops as gto  # noqa: E402

tf.disable_eager_execution()

VAR = np.array([[0.1, -0.2, 0.3], [-0.4, 0.5, -0.6], [0.7, -0.8, 0.9], [1.0, -1.1, 1.2]],
               np.float32)
GRADS = [np.array([[0.5, -0.1, 0.0], [0.2, 0.3, -0.4], [-0.6, 0.7, 0.1], [0.05, -0.2, 0.3]]),
         np.array([[-0.3, 0.2, 0.1], [0.4, -0.5, 0.0], [0.6, -0.1, 0.2], [-0.25, 0.3, -0.1]]),
         np.array([[0.1, 0.1, -0.2], [-0.3, 0.2, 0.5], [0.0, 0.4, -0.3], [0.15, -0.05, 0.2]])]
GRADS = [g.astype(np.float32) for g in GRADS]
IDX = [np.array([0, 2]), np.array([2, 2, 3]), np.array([1, 0])]
ROWS = [np.array([[0.5, -0.1, 0.0], [-0.6, 0.7, 0.1]]),
        np.array([[0.6, -0.1, 0.2], [0.1, 0.2, -0.3], [-0.25, 0.3, -0.1]]),
        np.array([[-0.3, 0.2, 0.5], [0.1, 0.1, -0.2]])]
ROWS = [r.astype(np.float32) for r in ROWS]

out = {}


def run_dense(build, steps=3):
    """build(var, grad_ph) -> train op; returns var values after each step."""
    g = tf.Graph()
    with g.as_default():
        v = tf.Variable(VAR, use_resource=True, name="var")
        gp = tf.placeholder(tf.float32, VAR.shape)
        op = build(v, gp)
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            res = []
            for k in range(steps):
                s.run(op, {gp: GRADS[k]})
                res.append(s.run(v).tolist())
    return res


def run_sparse(build, steps=3):
    g = tf.Graph()
    with g.as_default():
        v = tf.Variable(VAR, use_resource=True, name="var")
        ip = tf.placeholder(tf.int64, [None])
        rp = tf.placeholder(tf.float32, [None, 3])
        op = build(v, ip, rp)
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            res = []
            for k in range(steps):
                s.run(op, {ip: IDX[k], rp: ROWS[k]})
                res.append(s.run(v).tolist())
    return res


def slot(v, name):
    return tf.Variable(tf.zeros_like(VAR), use_resource=True, name=name)


# --- AdaMax raw kernel, lr .1 b1 .9 b2 .999 eps 1e-8 ---
def adamax(v, gp):
    m, u = slot(v, "m"), slot(v, "v")
    b1p = tf.Variable(0.9, use_resource=True)
    op = gto.resource_apply_ada_max(v.handle, m.handle, u.handle, b1p.read_value(), 0.1, 0.9,
                                    0.999, 1e-8, gp)
    with tf.control_dependencies([op]):
        return b1p.assign(b1p * 0.9)
out["adamax_dense"] = run_dense(adamax)

# --- AddSign / PowerSign raw kernels: lr .1 alpha 1. beta .9 sign_decay .5 / logbase ln(e)
def addsign(v, gp):
    m = slot(v, "m")
    return gto.resource_apply_add_sign(v.handle, m.handle, 0.1, 1.0, 0.5, 0.9, gp)
out["addsign_dense"] = run_dense(addsign)

def powersign(v, gp):
    m = slot(v, "m")
    return gto.resource_apply_power_sign(v.handle, m.handle, 0.1, math.log(2.0), 0.5, 0.9, gp)
out["powersign_dense"] = run_dense(powersign)

# --- Nadam dense: ResourceApplyAdam use_nesterov, lr .1
def nadam(v, gp):
    m, u = slot(v, "m"), slot(v, "v")
    b1p = tf.Variable(0.9, use_resource=True)
    b2p = tf.Variable(0.999, use_resource=True)
    op = gto.resource_apply_adam(v.handle, m.handle, u.handle, b1p.read_value(),
                                 b2p.read_value(), 0.1, 0.9, 0.999, 1e-8, gp,
                                 use_nesterov=True)
    with tf.control_dependencies([op]):
        return tf.group(b1p.assign(b1p * 0.9), b2p.assign(b2p * 0.999))
out["nadam_dense"] = run_dense(nadam)

# --- RegAdagrad: ResourceApplyAdagrad update_slots False / sparse
def regadagrad(v, gp):
    acc = tf.Variable(tf.fill(VAR.shape, 0.1), use_resource=True)
    return gto.resource_apply_adagrad(v.handle, acc.handle, 0.1, gp, update_slots=False)
out["regadagrad_dense_frozen"] = run_dense(regadagrad)

def regadagrad_sparse(v, ip, rp):
    acc = tf.Variable(tf.fill(VAR.shape, 0.1), use_resource=True)
    u, inv = tf.unique(ip)
    vals = tf.unsorted_segment_sum(rp, inv, tf.shape(u)[0])
    return gto.resource_sparse_apply_adagrad(v.handle, acc.handle, 0.1, vals, u,
                                             update_slots=False)
out["regadagrad_sparse_frozen"] = run_sparse(regadagrad_sparse)


# --- TF 1.15 contrib.opt optimizers written over tf.compat.v1.train (resource paths)
class AdamW(tf.train.AdamOptimizer):
    """TF 1.15 DecoupledWeightDecayExtension over Adam: var -= wd * var, then Adam."""
    def __init__(self, wd, **kw):
        super().__init__(**kw)
        self.wd = wd
        self.decay_vars = None

    def _decay(self, var):
        if self.decay_vars is None or var in self.decay_vars:
            return var.assign_sub(self.wd * var)
        return tf.no_op()

    def _resource_apply_dense(self, grad, var):
        with tf.control_dependencies([self._decay(var)]):
            return super()._resource_apply_dense(grad, var)

    def _resource_apply_sparse(self, grad, var, indices):
        if self.decay_vars is None or var in self.decay_vars:
            d = var.scatter_add(tf.IndexedSlices(-self.wd * tf.gather(var, indices), indices))
        else:
            d = tf.no_op()
        with tf.control_dependencies([d]):
            return super()._resource_apply_sparse(grad, var, indices)


class MomentumW(tf.train.MomentumOptimizer):
    def __init__(self, wd, **kw):
        super().__init__(**kw)
        self.wd = wd

    def _resource_apply_dense(self, grad, var):
        with tf.control_dependencies([var.assign_sub(self.wd * var)]):
            return super()._resource_apply_dense(grad, var)

    def _resource_apply_sparse(self, grad, var, indices):
        d = var.scatter_add(tf.IndexedSlices(-self.wd * tf.gather(var, indices), indices))
        with tf.control_dependencies([d]):
            return super()._resource_apply_sparse(grad, var, indices)


class LazyAdam(tf.train.AdamOptimizer):
    def _resource_apply_sparse(self, grad, var, indices):
        b1p, b2p = self._get_beta_accumulators()
        lr = self._lr_t * tf.sqrt(1 - b2p) / (1 - b1p)
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        m_new = self._beta1_t * tf.gather(m, indices) + (1 - self._beta1_t) * grad
        v_new = self._beta2_t * tf.gather(v, indices) + (1 - self._beta2_t) * grad * grad
        um = m.scatter_update(tf.IndexedSlices(m_new, indices))
        uv = v.scatter_update(tf.IndexedSlices(v_new, indices))
        with tf.control_dependencies([um, uv]):
            step = lr * tf.gather(m, indices) / (tf.sqrt(tf.gather(v, indices)) +
                                                  self._epsilon_t)
            return var.scatter_sub(tf.IndexedSlices(step, indices))


class NadamSparse(tf.train.AdamOptimizer):
    def _resource_apply_sparse(self, grad, var, indices):
        b1p, b2p = self._get_beta_accumulators()
        b1, b2, eps = self._beta1_t, self._beta2_t, self._epsilon_t
        lr = self._lr_t * tf.sqrt(1 - b2p) / (1 - b1p)
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        mg = grad * (1 - b1)
        a = m.assign(m * b1)
        with tf.control_dependencies([a]):
            a2 = m.scatter_add(tf.IndexedSlices(mg, indices))
        with tf.control_dependencies([a2]):
            m_bar = mg + b1 * tf.gather(m, indices)
        b = v.assign(v * b2)
        with tf.control_dependencies([b]):
            b2_ = v.scatter_add(tf.IndexedSlices(grad * grad * (1 - b2), indices))
        with tf.control_dependencies([b2_]):
            vs = tf.sqrt(tf.gather(v, indices))
            return var.scatter_add(tf.IndexedSlices(-lr * m_bar / (vs + eps), indices))


class AdaMaxSparse(tf.train.AdamOptimizer):
    def _resource_apply_sparse(self, grad, var, indices):
        b1p, _ = self._get_beta_accumulators()
        b1, b2, eps = self._beta1_t, self._beta2_t, self._epsilon_t
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        m_s = tf.gather(m, indices) * b1 + grad * (1 - b1)
        v_s = tf.maximum(tf.gather(v, indices) * b2, tf.abs(grad))
        step = -self._lr_t / (1 - b1p) * (m_s / (v_s + eps))
        return tf.group(m.scatter_update(tf.IndexedSlices(m_s, indices)),
                        v.scatter_update(tf.IndexedSlices(v_s, indices)),
                        var.scatter_add(tf.IndexedSlices(step, indices)))


def sign_sparse(kind):
    """AddSign (kind 'add', alpha 1) / PowerSign (kind 'power', base 2) sparse rule of
    TF 1.15 with sign_decay .5, lr .1, beta .9, on deduplicated rows."""
    def build(v, ip, rp):
        m = slot(v, "m")
        u, inv = tf.unique(ip)
        vals = tf.unsorted_segment_sum(rp, inv, tf.shape(u)[0])
        dense = tf.scatter_nd(tf.expand_dims(u, 1), vals, VAR.shape)
        m_t = m.assign(m * 0.9 + dense * 0.1)
        sgm = tf.gather(tf.sign(m_t), u) * tf.sign(vals)
        if kind == "add":
            mult = 1.0 + 0.5 * sgm
        else:
            mult = tf.pow(math.e, math.log(2.0) * 0.5 * sgm)
        return v.scatter_sub(tf.IndexedSlices(0.1 * mult * vals, u))
    return build


def opt_dense(make):
    def build(v, gp):
        return make().apply_gradients([(gp, v)])
    return build


def opt_sparse(make):
    def build(v, ip, rp):
        shape = tf.constant([4, 3], tf.int64)
        return make().apply_gradients([(tf.IndexedSlices(rp, ip, shape), v)])
    return build


mk_adamw = lambda: AdamW(0.01, learning_rate=0.1, name="AdamW")
out["adamw_dense"] = run_dense(opt_dense(mk_adamw))
out["adamw_sparse"] = run_sparse(opt_sparse(mk_adamw))
mk_momw = lambda: MomentumW(0.01, learning_rate=0.1, momentum=0.9)
out["momentumw_dense"] = run_dense(opt_dense(mk_momw))
out["momentumw_sparse"] = run_sparse(opt_sparse(mk_momw))
mk_momwn = lambda: MomentumW(0.01, learning_rate=0.1, momentum=0.9, use_nesterov=True)
out["momentumw_nesterov_dense"] = run_dense(opt_dense(mk_momwn))
out["lazyadam_sparse"] = run_sparse(opt_sparse(lambda: LazyAdam(0.1)))
out["lazyadam_dense"] = run_dense(opt_dense(lambda: LazyAdam(0.1)))
out["nadam_sparse"] = run_sparse(opt_sparse(lambda: NadamSparse(0.1)))
out["adamax_sparse"] = run_sparse(opt_sparse(lambda: AdaMaxSparse(0.1)))
out["addsign_sparse"] = run_sparse(sign_sparse("add"))
out["powersign_sparse"] = run_sparse(sign_sparse("power"))

# AdamW slot names through the real tf.compat.v1 slot machinery (ref variables)
g = tf.Graph()
with g.as_default():
    v = tf.Variable(VAR, name="var")
    gs = tf.train.get_or_create_global_step()
    opt = AdamW(0.01, learning_rate=0.1, name="AdamW")
    opt.apply_gradients([(tf.constant(GRADS[0]), v)], global_step=gs)
    out["adamw_variables"] = sorted(x.op.name for x in tf.global_variables())


def lars(nesterov, skip):
    def build(v, gp):
        mom = slot(v, "mom")
        grad = gp
        lr = tf.constant(0.1)
        if not skip:
            w_norm = tf.norm(v, ord=2)
            g_norm = tf.norm(gp, ord=2)
            trust = tf.where(w_norm > 0, tf.where(g_norm > 0, 0.5 * w_norm / (
                g_norm + 0.01 * w_norm + 0.0), 1.0), 1.0)
            lr = lr * trust
            grad = gp + 0.01 * v
        return gto.resource_apply_momentum(v.handle, mom.handle, 1.0, grad * lr, 0.9,
                                           use_nesterov=nesterov)
    return build
out["lars_dense"] = run_dense(lars(False, False))
out["lars_nesterov_dense"] = run_dense(lars(True, False))
out["lars_skip_dense"] = run_dense(lars(False, True))

out["inputs"] = {"var": VAR.tolist(), "grads": [g.tolist() for g in GRADS],
                 "indices": [i.tolist() for i in IDX], "rows": [r.tolist() for r in ROWS]}
(Path(__file__).resolve().parent / "contrib_opt_reference.json").write_text(
    json.dumps(out, indent=1) + "\n")
