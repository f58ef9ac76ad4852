"""``SparseSoftmaxCrossEntropyWithLogits``'s kernel (``ops/nn_losses_ops.py``), which picks
each row's label entry by one flat index: bitwise its previous take/put_along_axis
formulation, the float64 math, and TF's error for every label outside the classes
(negative 32- and 64-bit labels included)."""

from __future__ import annotations

import threading
import types

import numpy as np
import pytest

import trainkit as tk
from tests.bits import bits as _bits
from trainkit.framework import registry
from trainkit.ops import nn_losses_ops  # noqa: F401  (registers the kernel)

RNG = np.random.default_rng(11)


def _ctx():
    st = types.SimpleNamespace(resources={}, lock=threading.Lock())
    return types.SimpleNamespace(attrs={}, state=st, op=None, name="k", key="k", session=None)


def _sparse_xent_reference(x: np.ndarray, y: np.ndarray) -> tuple:
    """The kernel's previous formulation (take/put_along_axis), for bitwise equality."""
    s = x - np.max(x, axis=-1, keepdims=True)
    p = np.exp(s)
    total = np.sum(p, axis=-1, keepdims=True)
    p /= total
    lse = np.log(total)
    idx = y[..., None].astype(np.intp)
    loss = lse - np.take_along_axis(s, idx, axis=-1)
    np.put_along_axis(p, idx, np.take_along_axis(p, idx, -1) - 1, -1)
    return loss[..., 0].astype(x.dtype, copy=False), p


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
@pytest.mark.parametrize("shape,dtype,ldtype", [((128, 10), np.float32, np.int32),
                                                ((7, 3, 5), np.float64, np.int64),
                                                ((1, 1), np.float32, np.int64),
                                                ((0, 4), np.float32, np.int32),
                                                ((33, 1001), np.float32, np.int32)])
def test_sparse_softmax_xent_is_bitwise_the_along_axis_form(shape, dtype, ldtype):
    x = (RNG.normal(size=shape) * 5).astype(dtype)
    if x.size > 20:
        x.reshape(-1)[[3, 17]] = [np.nan, np.inf]
    y = RNG.integers(0, shape[-1], shape[:-1]).astype(ldtype)
    loss, back = registry.get_kernel("SparseSoftmaxCrossEntropyWithLogits")(_ctx(), x, y)
    ref_loss, ref_back = _sparse_xent_reference(x, y)
    assert loss.shape == shape[:-1] and back.shape == shape and loss.dtype == dtype
    np.testing.assert_array_equal(_bits(loss), _bits(ref_loss))
    np.testing.assert_array_equal(_bits(back), _bits(ref_back))
    if x.size and np.isfinite(x).all():   # and the math, in float64
        x64 = x.astype(np.float64)
        lsm = x64 - np.log(np.sum(np.exp(x64 - x64.max(-1, keepdims=True)), -1,
                                  keepdims=True)) - x64.max(-1, keepdims=True)
        onehot = np.eye(shape[-1])[y]
        np.testing.assert_allclose(loss, -np.sum(onehot * lsm, -1), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(back, np.exp(lsm) - onehot, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("ldtype", [np.int32, np.int64])
@pytest.mark.parametrize("bad", [-1, 4, -2**31])
def test_sparse_softmax_xent_rejects_labels_outside_the_classes(ldtype, bad):
    y = np.array([0, 3, bad, 1], ldtype)
    with pytest.raises(tk.errors.InvalidArgumentError, match=f"label value of {bad} "):
        registry.get_kernel("SparseSoftmaxCrossEntropyWithLogits")(
            _ctx(), np.zeros((4, 4), np.float32), y)


def test_sparse_softmax_xent_of_non_contiguous_logits():
    x = RNG.normal(size=(10, 6)).astype(np.float32).T        # Fortran order
    y = RNG.integers(0, 10, 6).astype(np.int32)
    loss, back = registry.get_kernel("SparseSoftmaxCrossEntropyWithLogits")(_ctx(), x, y)
    ref_loss, ref_back = _sparse_xent_reference(np.ascontiguousarray(x), y)
    np.testing.assert_array_equal(_bits(loss), _bits(ref_loss))
    np.testing.assert_array_equal(_bits(back), _bits(ref_back))
