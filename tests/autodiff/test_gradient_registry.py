"""Registry-wide gradient check.

Every op type that has a kernel and is not declared ``registry.not_differentiable`` must
(1) have a gradient rule and (2) have at least one case in ``CASES`` below. Each case
builds the op from float64 placeholders; ``tk.gradients`` (with random upstream weights
as ``grad_ys``) is compared against central finite differences of ``sum(w * y)``.

Adding an op? Add a case here: ``"MyOp": [C(lambda x: tk.my_op(x), [(2, 3)])]``. ``gen``
picks inputs away from kinks and outside invalid domains (``"pos"``, ``"away"``, ...).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import numeric_gradient
from trainkit.framework import registry

for _mod in ("trainkit.nn", "trainkit.layers", "trainkit.losses", "trainkit.metrics",
             "trainkit.train", "trainkit.data", "trainkit.summary", "trainkit.autodiff",
             "trainkit.image", "trainkit.strings"):
    try:
        importlib.import_module(_mod)
    except ModuleNotFoundError as e:  # a façade that does not exist yet
        if e.name != _mod:
            raise

EPS = 1e-6


def _hvd():
    import trainkit.distributed as hvd

    hvd.init()  # a group of one process: the collectives are local
    return hvd


@dataclass
class C:
    """One gradient case: ``fn(*float64 tensors) -> tensor or list of tensors``."""

    fn: Callable
    shapes: list
    gen: str | list = "any"
    rtol: float = 1e-5
    atol: float = 1e-6
    eps: float = EPS
    expect_none: bool = False  # the rule deliberately returns no gradient (StopGradient)
    note: str = field(default="")


def _gen(kind: str, shape: tuple, rng: np.random.Generator) -> np.ndarray:
    if kind == "any":
        return rng.uniform(-1.0, 1.0, shape)
    if kind == "pos":  # strictly positive, away from 0 (log, sqrt, pow base)
        return rng.uniform(0.5, 2.0, shape)
    if kind == "unit":  # inside (-1, 1) away from the ends (asin-like domains)
        return rng.uniform(-0.8, 0.8, shape)
    if kind == "away":  # |x| >= 0.2: no kink at 0 (abs, relu)
        return rng.uniform(0.2, 1.0, shape) * rng.choice([-1.0, 1.0], shape)
    if kind == "distinct":  # a random permutation of well-separated values (max, sort)
        n = int(np.prod(shape)) if shape else 1
        return (rng.permutation(n).astype(np.float64) * 0.37 - n * 0.15).reshape(shape)
    if kind == "nchw":  # image-like, away from ties for pooling
        return _gen("distinct", shape, rng) / 10.0
    raise ValueError(kind)


def _sum_last(x):
    return tk.reduce_sum(x, axis=-1)


def _spd(x):
    return tk.matmul(x, x, transpose_b=True) + 3.0 * np.eye(3)


def _spread(x):
    """Symmetric with well-separated eigenvalues (eigenvector gradients need gaps)."""
    return 0.5 * (x + tk.linalg.adjoint(x)) + np.diag([0., 3., 6.])


def _eig_parts(x):
    e, v = tk.linalg.eigh(x)
    return [e, tk.square(v)]            # squares: free of the eigenvectors' signs


def _svd_parts(x):
    s, u, v = tk.svd(x)
    return [s, tk.square(u), tk.abs(v)]


# -- the table: op type -> cases -------------------------------------------------------
def _grad_of(f: Callable, wrt: int = 0) -> Callable:
    """A case builder for gradient ops (``ReluGrad``, ``Conv2DBackpropInput``, ...): the
    gradient of ``f(*args[:-1])`` w.r.t. ``args[wrt]`` with upstream ``args[-1]``."""

    def build(*args):
        g = tk.gradients(f(*args[:-1]), [args[wrt]], grad_ys=args[-1])[0]
        return tk.convert_to_tensor(g)  # a sparse gradient (IndexedSlices) densified

    return build


def _i(v) -> tk.Tensor:
    return tk.constant(v, dtype=tk.int32)


_conv_same = lambda x, w: tk.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")  # noqa: E731
_conv_valid2 = lambda x, w: tk.nn.conv2d(x, w, [1, 2, 2, 1], "VALID")  # noqa: E731
_dwconv2 = lambda x, w: tk.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME")  # noqa: E731
_maxpool = lambda x: tk.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")  # noqa: E731
_avgpool = lambda x: tk.nn.avg_pool(x, [1, 2, 2, 1], [1, 1, 1, 1], "SAME")  # noqa: E731


def _bcast_to(x):
    from trainkit.ops.broadcast_ops import broadcast_to_shape

    return broadcast_to_shape(x, shape=[2, 3], expand=(1,))


def _sum_to(x):
    from trainkit.ops.broadcast_ops import sum_to_shape

    return sum_to_shape(x, shape=[1, 3])


def _sparse(v):
    sp = tk.SparseTensor(indices=[[0, 1], [2, 0]], values=v, dense_shape=[3, 2])
    return tk.sparse.to_dense(sp)


CASES: dict[str, list[C]] = {
    # elementwise binary (broadcasting both ways)
    "AddV2": [C(lambda x, y: tk.add(x, y), [(2, 3), (3,)]),
              C(lambda x, y: x + y, [(1, 3), (2, 1)])],
    "Sub": [C(lambda x, y: tk.subtract(x, y), [(2, 3), (2, 1)])],
    "Mul": [C(lambda x, y: tk.multiply(x, y), [(2, 3), (3,)]),
            C(lambda x, y: x * y, [(), (2, 2)])],
    "RealDiv": [C(lambda x, y: x / y, [(2, 3), (3,)], gen=["any", "pos"])],
    "DivNoNan": [C(tk.div_no_nan, [(2, 3), (3,)], gen=["any", "pos"])],
    "Pow": [C(lambda x, y: tk.pow(x, y), [(2, 3), (3,)], gen=["pos", "any"])],
    "Maximum": [C(tk.maximum, [(2, 3), (3,)])],
    "Minimum": [C(tk.minimum, [(2, 3), (2, 1)])],
    "SquaredDifference": [C(tk.squared_difference, [(2, 3), (3,)])],
    "FloorMod": [C(tk.math.floormod if hasattr(tk, "math") else tk.floormod, [(2, 3), (3,)],
                   gen=["pos", "pos"])],
    "AddN": [C(lambda x, y: tk.add_n([x, y, x]), [(2, 2), (2, 2)])],
    # elementwise unary
    "Neg": [C(tk.negative, [(2, 3)])],
    "Abs": [C(tk.abs, [(2, 3)], gen="away")],
    "Square": [C(tk.square, [(2, 3)])],
    "Sqrt": [C(tk.sqrt, [(2, 3)], gen="pos")],
    "Rsqrt": [C(tk.rsqrt, [(2, 3)], gen="pos")],
    "Reciprocal": [C(tk.reciprocal, [(2, 3)], gen="pos")],
    "Exp": [C(tk.exp, [(2, 3)])],
    "Log": [C(tk.log, [(2, 3)], gen="pos")],
    "Log1p": [C(tk.log1p, [(2, 3)], gen="pos")],
    "Sin": [C(tk.sin, [(2, 3)])],
    "Cos": [C(tk.cos, [(2, 3)])],
    "Tanh": [C(tk.tanh, [(2, 3)])],
    "Sigmoid": [C(tk.sigmoid, [(2, 3)])],
    "Cast": [C(lambda x: tk.cast(tk.cast(x, tk.float32), tk.float64) * 2.0, [(2, 3)],
               rtol=1e-3, atol=1e-4, eps=1e-3)],
    "Identity": [C(tk.identity, [(2, 3)])],
    "PlaceholderWithDefault": [C(lambda x: tk.placeholder_with_default(x, [2, 3]) * 2.0,
                                 [(2, 3)])],
    "Print": [C(lambda x: tk.Print(x, [], first_n=0), [(2, 2)])],
    "CheckNumerics": [C(lambda x: tk.debugging.check_numerics(x, "bad"), [(2, 2)])],
    "Select": [C(lambda x, y: tk.where(tk.constant([[True, False, True], [False, True,
                                                                            False]]), x, y),
                 [(2, 3), (2, 3)])],
    "CondSelect": [C(lambda x, y: tk.cond(tk.constant(True), lambda: x * 2.0, lambda: y),
                     [(2,), (2,)]),
                   C(lambda x, y: tk.cond(tk.constant(False), lambda: x * 2.0, lambda: y),
                     [(2,), (2,)])],
    # matmul
    "MatMul": [C(tk.matmul, [(2, 3), (3, 4)]),
               C(lambda a, b: tk.matmul(a, b, transpose_a=True, transpose_b=True),
                 [(3, 2), (4, 3)])],
    "BatchMatMulV2": [C(tk.matmul, [(2, 2, 3), (2, 3, 2)]),
                      C(tk.matmul, [(1, 2, 3), (2, 3, 2)])],
    # reductions and scans
    "Sum": [C(lambda x: tk.reduce_sum(x), [(2, 3)]),
            C(lambda x: tk.reduce_sum(x, axis=1, keepdims=True), [(2, 3)])],
    "Mean": [C(lambda x: tk.reduce_mean(x, axis=0), [(2, 3)]),
             C(lambda x: tk.reduce_mean(x, axis=[0, 2]), [(2, 2, 2)])],
    "Max": [C(lambda x: tk.reduce_max(x, axis=1), [(2, 3)])],
    "Min": [C(lambda x: tk.reduce_min(x), [(2, 3)])],
    "Prod": [C(lambda x: tk.reduce_prod(x, axis=1), [(2, 3)], gen="away")],
    "Cumsum": [C(lambda x: tk.cumsum(x, axis=1), [(2, 3)]),
               C(lambda x: tk.cumsum(x, exclusive=True, reverse=True), [(3, 2)])],
    "BroadcastToShape": [C(_bcast_to, [(2,)])],
    "SumToShape": [C(_sum_to, [(2, 3)])],
    # shapes, joins, slices
    "Reshape": [C(lambda x: tk.reshape(x, [3, 2]), [(2, 3)])],
    "Transpose": [C(lambda x: tk.transpose(x, [1, 2, 0]), [(2, 3, 2)])],
    "ExpandDims": [C(lambda x: tk.expand_dims(x, 1), [(2, 3)])],
    "Squeeze": [C(lambda x: tk.squeeze(x, [1]), [(2, 1, 3)])],
    "ConcatV2": [C(lambda x, y: tk.concat([x, y, x], axis=1), [(2, 1), (2, 3)])],
    "Pack": [C(lambda x, y: tk.stack([x, y], axis=1), [(2, 3), (2, 3)])],
    "Unpack": [C(lambda x: tk.unstack(x, axis=1), [(2, 3)]),
               C(lambda x: tk.unstack(x)[1], [(3, 2)])],
    "Split": [C(lambda x: tk.split(x, 3, axis=1), [(2, 3)]),
              C(lambda x: tk.split(x, 2, axis=0)[0], [(4, 2)])],
    "SplitV": [C(lambda x: tk.split(x, [1, 2], axis=1), [(2, 3)])],
    "Slice": [C(lambda x: tk.slice(x, [0, 1], [2, 2]), [(3, 3)])],
    "StridedSlice": [C(lambda x: x[1:, ::2], [(3, 4)]), C(lambda x: x[:, 1], [(2, 3)])],
    "StridedSliceGrad": [C(_grad_of(lambda x: x[1:, ::2]), [(3, 4), (2, 2)])],
    "GatherV2": [C(lambda x: tk.gather(x, _i([2, 0, 2])), [(3, 2)]),
                 C(lambda x: tk.gather(x, _i([[1], [0]]), axis=1), [(2, 3)])],
    "TopKV2": [C(lambda x: tk.nn.top_k(x, 2).values, [(3, 4)]),
               C(lambda x: tk.nn.top_k(x, 3)[0], [(2, 2, 5)])],
    "GatherGrad": [C(_grad_of(lambda x: tk.gather(x, _i([2, 0, 2]))), [(3, 2), (3, 2)])],
    "GatherNd": [C(lambda x: tk.gather_nd(x, _i([[0, 1], [2, 0], [0, 1]])), [(3, 2)])],
    "ScatterNd": [C(lambda u: tk.scatter_nd(_i([[0], [2], [0]]), u, _i([4, 2])), [(3, 2)])],
    "SparseToDense": [C(_sparse, [(2,)])],
    "BooleanMask": [C(lambda x: tk.boolean_mask(x, tk.constant([True, False, True])),
                      [(3, 2)])],
    "BooleanMaskGrad": [C(_grad_of(lambda x: tk.boolean_mask(
        x, tk.constant([True, False, True]))), [(3, 2), (2, 2)])],
    "Tile": [C(lambda x: tk.tile(x, [2, 3]), [(2, 2)])],
    # trainkit.distributed's collectives at size 1 (one process, no mpiexec); their
    # multi-rank gradients are checked against hand-computed values by
    # tests/distributed/jobs/collectives_job.py.
    "TkMpiAllreduce": [C(lambda x: _hvd().allreduce(x, op=_hvd().Sum, prescale_factor=2.0,
                                                    postscale_factor=3.0), [(2, 3)])],
    "TkMpiBroadcast": [C(lambda x: _hvd().broadcast(x, 0), [(3,)])],
    "TkMpiAllgather": [C(lambda x: _hvd().allgather(x), [(3, 2)])],
    "TkMpiAlltoall": [C(lambda x: _hvd().alltoall(x), [(3, 2)]),
                      C(lambda x: _hvd().alltoall(x, splits=[3])[0], [(3, 2)])],
    "TkMpiReducescatter": [C(lambda x: _hvd().reducescatter(x, op=_hvd().Sum), [(3, 2)]),
                           C(lambda x: _hvd().reducescatter(x, postscale_factor=1.0), [(2,)])],
    "TkMpiGroupedAllgather": [C(lambda x, y: _hvd().grouped_allgather([x, y])[1] * 2.0
                                + _hvd().grouped_allgather([x, y])[0], [(2, 2), (2, 2)])],
    "Fill": [C(lambda v: tk.fill([2, 3], v), [()])],
    "PadV2": [C(lambda x: tk.pad(x, [[1, 0], [2, 1]]), [(2, 2)]),
              C(lambda x: tk.pad(x, [[0, 1], [1, 1]], constant_values=3.0), [(2, 2)])],
    "MirrorPad": [C(lambda x: tk.pad(x, [[1, 1], [2, 0]], mode="REFLECT"), [(3, 3)]),
                  C(lambda x: tk.pad(x, [[1, 0], [1, 1]], mode="SYMMETRIC"), [(2, 3)])],
    "MirrorPadGrad": [C(_grad_of(lambda x: tk.pad(x, [[1, 1], [2, 0]], mode="REFLECT")),
                        [(3, 3), (5, 5)])],
    # nn
    "Relu": [C(tk.nn.relu, [(2, 3)], gen="away")],
    "Relu6": [C(lambda x: tk.nn.relu6(x * 8.0), [(2, 3)], gen="away")],
    "LeakyRelu": [C(lambda x: tk.nn.leaky_relu(x, 0.1), [(2, 3)], gen="away")],
    "Elu": [C(tk.nn.elu, [(2, 3)], gen="away")],
    "Selu": [C(tk.nn.selu, [(2, 3)], gen="away")],
    "Softplus": [C(tk.nn.softplus, [(2, 3)])],
    "Softsign": [C(tk.nn.softsign, [(2, 3)])],
    "ReluGrad": [C(_grad_of(tk.nn.relu), [(2, 3), (2, 3)], gen=["away", "any"])],
    "Relu6Grad": [C(_grad_of(lambda x: tk.nn.relu6(x * 8.0)), [(2, 3), (2, 3)],
                    gen=["away", "any"])],
    "LeakyReluGrad": [C(_grad_of(lambda x: tk.nn.leaky_relu(x, 0.1)), [(2, 3), (2, 3)],
                        gen=["away", "any"])],
    "EluGrad": [C(_grad_of(tk.nn.elu), [(2, 3), (2, 3)], gen=["away", "any"])],
    "SeluGrad": [C(_grad_of(tk.nn.selu), [(2, 3), (2, 3)], gen=["away", "any"])],
    "SoftplusGrad": [C(_grad_of(tk.nn.softplus), [(2, 3), (2, 3)])],
    "SoftsignGrad": [C(_grad_of(tk.nn.softsign), [(2, 3), (2, 3)])],
    "SigmoidGrad": [C(_grad_of(tk.sigmoid), [(2, 3), (2, 3)])],
    "TanhGrad": [C(_grad_of(tk.tanh), [(2, 3), (2, 3)])],
    "Softmax": [C(tk.nn.softmax, [(2, 3)]), C(lambda x: tk.nn.softmax(x, axis=0), [(2, 3)])],
    "LogSoftmax": [C(tk.nn.log_softmax, [(2, 3)])],
    "BiasAdd": [C(tk.nn.bias_add, [(2, 3), (3,)]),
                C(lambda x, b: tk.nn.bias_add(x, b, data_format="NCHW"), [(1, 2, 2, 2), (2,)])],
    "BiasAddGrad": [C(_grad_of(tk.nn.bias_add, wrt=1), [(2, 3), (3,), (2, 3)])],
    "L2Loss": [C(tk.nn.l2_loss, [(2, 3)])],
    "SigmoidCrossEntropyWithLogits": [C(
        lambda z, x: tk.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
        [(2, 3), (2, 3)])],
    "SoftmaxCrossEntropyWithLogits": [C(
        lambda z, x: tk.nn.softmax_cross_entropy_with_logits_v2(
            labels=z / tk.reduce_sum(z, axis=1, keepdims=True), logits=x),
        [(2, 3), (2, 3)], gen=["pos", "any"], note="labels must sum to 1, as in TF")],
    "SparseSoftmaxCrossEntropyWithLogits": [C(
        lambda x: tk.nn.sparse_softmax_cross_entropy_with_logits(labels=_i([2, 0]), logits=x),
        [(2, 3)])],
    "Conv2D": [C(_conv_same, [(1, 3, 3, 2), (2, 2, 2, 2)]),
               C(_conv_valid2, [(2, 5, 5, 1), (3, 3, 1, 2)])],
    "Conv2DBackpropInput": [C(_grad_of(_conv_valid2), [(1, 5, 5, 1), (3, 3, 1, 2),
                                                       (1, 2, 2, 2)])],
    "Conv2DBackpropFilter": [C(_grad_of(_conv_valid2, wrt=1), [(1, 5, 5, 1), (3, 3, 1, 2),
                                                               (1, 2, 2, 2)])],
    "DepthwiseConv2dNative": [C(_dwconv2, [(1, 5, 5, 2), (3, 3, 2, 2)])],
    "DepthwiseConv2dNativeBackpropInput": [C(_grad_of(_dwconv2), [(1, 5, 5, 2), (3, 3, 2, 2),
                                                                  (1, 3, 3, 4)])],
    "DepthwiseConv2dNativeBackpropFilter": [C(_grad_of(_dwconv2, wrt=1),
                                              [(1, 5, 5, 2), (3, 3, 2, 2), (1, 3, 3, 4)])],
    "MaxPool": [C(_maxpool, [(1, 4, 4, 2)], gen="nchw")],
    "MaxPoolGrad": [C(_grad_of(_maxpool), [(1, 4, 4, 2), (1, 2, 2, 2)], gen=["nchw", "any"])],
    "MaxPoolGradGrad": [C(_grad_of(lambda x, dy: _grad_of(_maxpool)(x, dy), wrt=1),
                          [(1, 4, 4, 1), (1, 2, 2, 1), (1, 4, 4, 1)],
                          gen=["nchw", "any", "any"])],
    "AvgPool": [C(_avgpool, [(1, 3, 3, 2)])],
    "CTCLoss": [C(lambda x: tk.nn.ctc_loss(
        tk.SparseTensor([[0, 0], [0, 1], [1, 0]], _i([1, 1, 0]), [2, 2]), x, _i([4, 3])),
        [(4, 2, 3)])],
    "LRN": [C(lambda x: tk.nn.lrn(x, depth_radius=1, bias=1.0, alpha=0.5, beta=0.75),
              [(1, 2, 2, 4)])],
    "AvgPoolGrad": [C(_grad_of(_avgpool), [(1, 3, 3, 2), (1, 3, 3, 2)])],
    # loops and TensorArrays (more cases in tests/ops/test_tensor_array.py and
    # tests/autodiff/test_while_grad.py)
    "ReverseV2": [C(lambda x: tk.reverse(x, [1]) * x, [(2, 3)])],
    "ReverseSequence": [C(lambda x: tk.reverse_sequence(x, [2, 3], seq_axis=1,
                                                        batch_axis=0) * x, [(2, 3)])],
    # the fused LSTM step (more in tests/ops/rnn/test_lstm_block.py)
    "LSTMBlock": [C(lambda x, c, h, w, b: _lstm(x, c, h, w, b)[1::5],
                    [(2, 3), (2, 4), (2, 4), (7, 16), (16,)]),
                  C(lambda x, c, h, w, b, p, q, r: _lstm(x, c, h, w, b, p, q, r,
                                                         cell_clip=0.8)[1::5],
                    [(2, 3), (2, 4), (2, 4), (7, 16), (16,), (4,), (4,), (4,)]),
                  C(lambda x, c, h, w, b: _lstm(x, c, h, w, b),  # all seven outputs
                    [(2, 3), (2, 4), (2, 4), (7, 16), (16,)])],
    "LSTMBlockGrad": [C(lambda x, c, h, w, b, gc, gh: tk.gradients(
        _lstm(x, c, h, w, b)[1::5], [c, w], grad_ys=[gc, gh]),
        [(2, 3), (2, 4), (2, 4), (7, 16), (16,), (2, 4), (2, 4)]),
        C(lambda x, c, h, w, b, p, q, r, gh: tk.gradients(
            _lstm(x, c, h, w, b, p, q, r, cell_clip=0.8)[6], [c, p, q, r], grad_ys=gh),
          [(2, 3), (2, 4), (2, 4), (7, 16), (16,), (4,), (4,), (4,), (2, 4)])],
    "LSTMSequence": [C(lambda x, c, h, w, b: _lstm_seq(x, c, h, w, b),
                       [(3, 2, 3), (2, 4), (2, 4), (7, 16), (16,)]),
                     C(lambda x, c, h, w, b, p, q, r: _lstm_seq(x, c, h, w, b, p, q, r,
                                                                cell_clip=0.8),
                       [(3, 2, 3), (2, 4), (2, 4), (7, 16), (16,), (4,), (4,), (4,)]),
                     C(lambda x, c, h, w, b: _lstm_seq(x, c, h, w, b, lengths=[3, 1]),
                       [(3, 2, 3), (2, 4), (2, 4), (7, 16), (16,)])],
    "While": [C(lambda x, w: tk.while_loop(lambda i, v: i < 3, lambda i, v: (
        i + 1, tk.tanh(v * w)), [0, x])[1], [(2, 3), (3,)])],
    "TensorArrayReadV3": [C(lambda x: _ta(x).read(1), [(2, 3)])],
    "TensorArrayWriteV3": [C(lambda x: _ta(x).stack(), [(2, 3)])],
    "TensorArrayGatherV3": [C(lambda x: _ta(x).gather([1, 0, 1]), [(2, 3)])],
    "TensorArrayScatterV3": [C(lambda x: tk.TensorArray(tk.float64, size=3).scatter(
        [2, 0], x).stack(), [(2, 3)])],
    "TensorArrayConcatV3": [C(lambda x: _ta(x).concat(), [(2, 3)])],
    "TensorArraySplitV3": [C(lambda x: tk.TensorArray(tk.float64, size=2).split(
        x, [1, 2]).concat(), [(3,)])],
}
# Helper api3: the special math functions and einsum.
CASES.update({
    "Tan": [C(tk.tan, [(2, 3)], gen="unit")], "Asin": [C(tk.asin, [(2, 3)], gen="unit")],
    "Acos": [C(tk.acos, [(2, 3)], gen="unit")], "Atan": [C(tk.atan, [(2, 3)])],
    "Sinh": [C(tk.sinh, [(2, 3)])], "Cosh": [C(tk.cosh, [(2, 3)])],
    "Asinh": [C(tk.asinh, [(2, 3)])],
    "Acosh": [C(lambda x: tk.acosh(x + 1.0), [(2, 3)], gen="pos")],
    "Atanh": [C(tk.atanh, [(2, 3)], gen="unit")], "Expm1": [C(tk.expm1, [(2, 3)])],
    "Erf": [C(tk.erf, [(2, 3)])], "Erfc": [C(tk.erfc, [(2, 3)])],
    "Atan2": [C(tk.atan2, [(2, 3), (2, 3)], gen=["any", "pos"]),
              C(tk.atan2, [(2, 3), (3,)], gen=["pos", "away"])],
    "Einsum": [C(lambda a, b: tk.einsum("ij,jk->ik", a, b), [(2, 3), (3, 4)]),
               C(lambda a, b: tk.einsum("bij,b->j", a, b), [(2, 3, 4), (2,)]),
               C(lambda a: tk.einsum("...i->...", a), [(2, 3)])],
    "Roll": [C(lambda x: tk.roll(x, [1, -2], [0, 1]) * x, [(2, 3)])],
    "SpaceToBatchND": [C(lambda x: tk.space_to_batch_nd(x, [2, 2], [[1, 0], [0, 1]]) ** 2,
                         [(2, 3, 3, 1)])],
    "BatchToSpaceND": [C(lambda x: tk.batch_to_space_nd(x, [2, 1], [[1, 0], [0, 1]]) ** 2,
                         [(4, 2, 3, 2)])],
    "UnsortedSegmentMax": [C(lambda x: tk.unsorted_segment_max(x, [1, 0, 1], 2), [(3, 2)],
                             gen="distinct")],
    "UnsortedSegmentMin": [C(lambda x: tk.unsorted_segment_min(x, [1, 1, 0], 2), [(3, 2)],
                             gen="distinct")],
    "UnsortedSegmentProd": [C(lambda x: tk.unsorted_segment_prod(x, [1, 0, 1, 1], 3),
                              [(4, 2)], gen="away")],
    "DynamicPartition": [C(lambda x: tk.dynamic_partition(x, [1, 0, 1], 2), [(3, 2)])],
    "DynamicStitch": [C(lambda a, b: tk.dynamic_stitch([[0, 2], [1]], [a, b]),
                        [(2, 3), (1, 3)])],
    "MatrixDiag": [C(tk.matrix_diag, [(2, 3)])],
    "MatrixDiagPart": [C(tk.matrix_diag_part, [(2, 3, 4)])],
    "MatrixSetDiag": [C(tk.matrix_set_diag, [(2, 3, 3), (2, 3)])],
    "MatrixBandPart": [C(lambda x: tk.matrix_band_part(x, 1, 0), [(3, 4)])],
    "Diag": [C(tk.diag, [(2, 2)])], "DiagPart": [C(tk.diag_part, [(2, 3, 2, 3)])],
    "MatrixInverse": [C(lambda x: tk.matrix_inverse(x + 3.0 * np.eye(3)), [(2, 3, 3)])],
    "MatrixDeterminant": [C(lambda x: tk.matrix_determinant(x + 3.0 * np.eye(3)),
                            [(2, 3, 3)])],
    "MatrixSolve": [C(lambda x, y: tk.matrix_solve(x + 3.0 * np.eye(3), y),
                      [(3, 3), (3, 2)])],
    "Cross": [C(tk.cross, [(2, 3), (2, 3)])],
    "Cholesky": [C(lambda x: tk.cholesky(_spd(x)), [(2, 3, 3)])],
    "MatrixTriangularSolve": [
        C(lambda x, y: tk.linalg.triangular_solve(x + 3.0 * np.eye(3), y), [(3, 3), (2, 3, 2)]),
        C(lambda x, y: tk.linalg.triangular_solve(x + 3.0 * np.eye(3), y, lower=False,
                                                  adjoint=True), [(2, 3, 3), (3, 1)])],
    "LogMatrixDeterminant": [C(lambda x: tk.linalg.slogdet(x + 3.0 * np.eye(3))[1],
                               [(2, 3, 3)])],
    "SelfAdjointEigV2": [C(lambda x: _eig_parts(_spread(x)), [(2, 3, 3)]),
                         C(lambda x: tk.linalg.eigvalsh(_spread(x)), [(3, 3)])],
    "Svd": [C(lambda x: _svd_parts(x + [[3., 0., 0.], [0., 1.5, 0.], [0., 0., 0.], [0., 0., 0.]]),
              [(4, 3)]),
            C(lambda x: tk.svd(x, compute_uv=False), [(2, 2, 3)])],
    "TridiagonalSolve": [C(lambda d, b: tk.linalg.tridiagonal_solve(d + [[0.], [3.], [0.]], b),
                           [(2, 3, 4), (2, 4, 2)])],
    "MatrixExponential": [C(tk.linalg.expm, [(2, 3, 3)])],
    "MatrixSquareRoot": [C(lambda x: tk.linalg.sqrtm(x + 3.0 * np.eye(3)), [(2, 3, 3)])],
    "Lgamma": [C(tk.lgamma, [(2, 3)], gen="pos")],
    "Digamma": [C(tk.digamma, [(2, 3)], gen="pos")],
    "Polygamma": [C(lambda x: tk.math.polygamma(tk.constant([[1.0, 2.0, 0.0]], tk.float64), x),
                    [(2, 3)], gen="pos")],
    "Igamma": [C(tk.math.igamma, [(2, 3), (2, 3)], gen="pos")],
    "Igammac": [C(tk.math.igammac, [(3,), (2, 3)], gen="pos")],
    "Betainc": [C(lambda x: tk.math.betainc(tk.constant([0.7, 2.0, 3.0], tk.float64),
                                            tk.constant(1.5, tk.float64), x * 0.4 + 0.5),
                  [(2, 3)], gen="unit")],
    "Erfinv": [C(tk.math.erfinv, [(2, 3)], gen="unit")],
    "CropAndResize": [C(lambda x: tk.image.crop_and_resize(x, [[0.1, 0.2, 0.8, 0.9]], [0],
                                                            [2, 3]), [(1, 4, 5, 2)])],
    "ResizeBilinear": [C(lambda x: tk.image.resize_bilinear(x, tk.shape(x)[1:3] * 2 - 1),
                         [(1, 3, 4, 2)]),
                       C(lambda x: tk.image.resize_bilinear(x, [2, 7], align_corners=True),
                         [(2, 3, 4, 1)])],
    "ResizeBicubic": [C(lambda x: tk.image.resize_bicubic(x, tk.shape(x)[1:3] + 2),
                        [(1, 3, 4, 2)])],
    "ResizeNearestNeighbor": [C(lambda x: tk.image.resize_nearest_neighbor(
        x, tk.shape(x)[1:3] * 2 - 1, align_corners=True), [(1, 3, 4, 2)])],
    "EnsureShape": [C(lambda x: tk.ensure_shape(x, [2, 3]) * x, [(2, 3)])],
    "IdentityN": [C(lambda a, b: tk.identity_n([a, b]), [(2, 3), (3,)])],
    "TensorScatterUpdate": [C(lambda t, u: tk.tensor_scatter_update(t, [[0], [2]], u),
                              [(3, 2), (2, 2)])],
    "TensorScatterAdd": [C(lambda t, u: tk.tensor_scatter_add(t, [[1, 1]], u), [(3, 2), (1,)])],
    "BesselI0": [C(tk.math.bessel_i0, [(2, 3)])],
    "BesselI0e": [C(tk.math.bessel_i0e, [(2, 3)], gen="away")],
    "BesselI1": [C(tk.math.bessel_i1, [(2, 3)])],
    "BesselI1e": [C(tk.math.bessel_i1e, [(2, 3)], gen="away")],
    "TensorScatterMax": [C(lambda t, u: tk.tensor_scatter_nd_max(t, [[0], [2]], u),
                           [(4,), (2,)], gen="distinct")],
    "TensorScatterMin": [C(lambda t, u: tk.tensor_scatter_nd_min(t, [[3], [1]], u),
                           [(4,), (2,)], gen="distinct")],
    "TensorScatterSub": [C(lambda t, u: tk.tensor_scatter_sub(t, [[1]], u), [(3, 2), (1, 2)])],
    "Cumprod": [C(lambda x: tk.cumprod(x, 1), [(2, 3)], gen="away"),
                C(lambda x: tk.cumprod(x, 0, exclusive=True, reverse=True), [(3, 2)],
                  gen="away")],
})
# Helper contrib_image_losses: TF's rule for the projective transform is the inverse
# transform, the adjoint only where pixels are permuted (integer shifts, quarter turns);
# general transforms are checked against TF 2.21 in tests/contrib/test_contrib_image.py.
CASES["ImageProjectiveTransformV2"] = [
    C(lambda x: tk.contrib.image.translate(x, [1, -1]), [(2, 3, 4, 2)]),
    C(lambda x: tk.contrib.image.rotate(x, np.pi / 2), [(1, 4, 4, 1)])]


# Helper api4: the complex-number ops and the Fourier transforms, chained real -> complex
# -> real (the harness feeds float64); complex values and TF's numbers are checked in
# tests/ops/test_complex_ops.py and tests/ops/test_fft_ops.py.
_sp = tk.spectral
CASES.update({
    "RFFT": [C(lambda x: _sp.irfft(_sp.rfft(x, [4]), [6]), [(2, 5)]),
             C(lambda x: _sp.irfft(_sp.rfft(x, [7])), [(2, 5)])],
    "IRFFT": [C(lambda x: _sp.irfft(_sp.rfft(x), [5]), [(2, 6)])],
    "FFT": [C(lambda x: _sp.irfft(tk.fft(_sp.rfft(x))), [(2, 5)])],
    "IFFT": [C(lambda x: _sp.irfft(tk.ifft(_sp.rfft(x))), [(2, 4)])],
    "RFFT2D": [C(lambda x: _sp.irfft2d(_sp.rfft2d(x, [2, 4]), [3, 5]), [(3, 5)])],
    "IRFFT2D": [C(lambda x: _sp.irfft2d(_sp.rfft2d(x)), [(3, 4)])],
    "FFT2D": [C(lambda x: _sp.irfft2d(tk.fft2d(_sp.rfft2d(x))), [(3, 4)])],
    "IFFT2D": [C(lambda x: _sp.irfft2d(tk.ifft2d(_sp.rfft2d(x))), [(2, 3)])],
    "RFFT3D": [C(lambda x: _sp.irfft3d(_sp.rfft3d(x), [2, 3, 3]), [(2, 2, 3)])],
    "IRFFT3D": [C(lambda x: _sp.irfft3d(_sp.rfft3d(x)), [(2, 2, 4)])],
    "FFT3D": [C(lambda x: _sp.irfft3d(tk.fft3d(_sp.rfft3d(x))), [(2, 2, 3)])],
    "IFFT3D": [C(lambda x: _sp.irfft3d(tk.ifft3d(_sp.rfft3d(x))), [(2, 2, 3)])],
    "Complex": [C(lambda x, y: tk.abs(tk.complex(x, y)), [(2, 3), (3,)], gen="away")],
    "Real": [C(lambda x, y: tk.real(tk.complex(x, y)) * y, [(2, 3), (2, 3)])],
    "Imag": [C(lambda x, y: tk.imag(tk.complex(x, y)) * x, [(2, 3), (2, 3)])],
    "Conj": [C(lambda x, y: tk.imag(tk.conj(tk.complex(x, y * x))), [(2, 3), (2, 3)])],
    "ComplexAbs": [C(lambda x, y: tk.abs(tk.complex(x, y)), [(2, 3), (2, 3)], gen="away")],
    "Angle": [C(lambda x, y: tk.angle(tk.complex(x, y)), [(2, 3), (2, 3)], gen="away")],
    "SignalFrame": [C(lambda x: tk.signal.frame(x, 3, 2, pad_end=True), [(2, 6)]),
                    C(lambda x: tk.signal.frame(x, 2, 3, axis=0), [(7, 2)])],
    "SignalOverlapAdd": [C(lambda x: tk.signal.overlap_and_add(x, 2), [(2, 3, 5)]),
                         C(lambda x: tk.signal.overlap_and_add(x, 4), [(3, 2)])],
    "FFTAdjoint": [C(_grad_of(lambda x: _sp.irfft(_sp.rfft(x, [4]), [6])), [(2, 5), (2, 6)]),
                   C(_grad_of(lambda x: _sp.irfft2d(tk.fft2d(_sp.rfft2d(x)))),
                     [(2, 4), (2, 4)])],
})


CASES.update({  # grayscale morphology (values and gradients vs TF: test_morphology_ops.py)
    "Dilation2D": [C(lambda x, k: tk.nn.dilation2d(x, k, [1, 2, 1, 1], [1, 1, 2, 1],
                                                   "SAME"), [(2, 5, 4, 2), (3, 2, 2)],
                     gen=["distinct", "any"]),
                   C(lambda x, k: tk.nn.erosion2d(x, k, [1, 1, 1, 1], [1, 2, 1, 1],
                                                  "VALID"), [(1, 5, 4, 2), (2, 2, 2)],
                     gen=["distinct", "any"])],
    # fractional pooling (the sequences are drawn once per session, so reruns agree)
    "FractionalMaxPool": [C(lambda x: tk.nn.fractional_max_pool(
        x, [1.0, 1.5, 1.4, 1.0], overlapping=True)[0], [(2, 7, 6, 2)], gen="distinct")],
    "FractionalAvgPool": [C(lambda x: tk.nn.fractional_avg_pool(
        x, [1.0, 1.5, 1.4, 1.0], pseudo_random=True)[0], [(2, 7, 6, 2)])],
})


def _lstm(x, c, h, w, b, *peep, cell_clip=None):
    from trainkit.ops.rnn.lstm_block import lstm_block

    return lstm_block(x, c, h, w, b, *peep, forget_bias=0.5, cell_clip=cell_clip)


def _lstm_seq(x, c, h, w, b, *peep, cell_clip=None, lengths=None):
    from trainkit.ops.rnn.lstm_sequence import lstm_sequence

    return lstm_sequence(x, c, h, w, b, *peep, forget_bias=0.5, cell_clip=cell_clip,
                         sequence_length=lengths)


def _ta(x):
    """A TensorArray holding the rows of ``x`` (written one by one, read many times)."""
    ta = tk.TensorArray(tk.float64, size=2, clear_after_read=False)
    return ta.write(0, x[0]).write(1, x[1])


def _differentiable_types() -> list[str]:
    return [d.type for d in registry.all_op_defs()
            if d.kernel is not None and not d.not_differentiable]


def _check_case(op_type: str, case: C, index: int) -> None:
    rng = np.random.default_rng(1234 + index)
    gens = case.gen if isinstance(case.gen, list) else [case.gen] * len(case.shapes)
    values = [_gen(k, tuple(s), rng) for k, s in zip(gens, case.shapes)]
    graph = tk.Graph()
    with graph.as_default():
        xs = [tk.placeholder(tk.float64, list(s), name=f"x{i}")
              for i, s in enumerate(case.shapes)]
        ys = case.fn(*xs)
        ys = list(ys) if isinstance(ys, list | tuple) else [ys]
        assert any(op.type == op_type for op in graph.get_operations()), (
            f"case {index} of {op_type} does not create a {op_type} op")
        with tk.Session() as sess:
            y_vals = sess.run(ys, dict(zip(xs, values)))
            ws = [rng.uniform(0.5, 1.5, np.shape(v)) for v in y_vals]
            gys = [tk.constant(w, dtype=tk.float64) for w in ws]
            grads = tk.gradients(ys, xs, grad_ys=gys)
            grads = [tk.convert_to_tensor(g) if isinstance(g, tk.IndexedSlices) else g
                     for g in grads]  # sparse gradients (of gather) compared densified
            if case.expect_none:
                assert all(g is None for g in grads), (
                    f"{op_type} case {index}: expected no gradient, got {grads}")
                return
            analytic = sess.run([g for g in grads if g is not None],
                                dict(zip(xs, values)))

            def objective(vals: list[np.ndarray]) -> float:
                outs = sess.run(ys, dict(zip(xs, vals)))
                return float(sum(np.sum(w * np.asarray(o, np.float64))
                                 for w, o in zip(ws, outs)))

            it = iter(analytic)
            for i, (g, v) in enumerate(zip(grads, values)):
                numeric = numeric_gradient(objective, values, i, case.eps)
                if g is None:
                    np.testing.assert_allclose(
                        numeric, 0.0, atol=case.atol,
                        err_msg=f"{op_type} case {index}: gradients() returned None for "
                                f"input {i} but the finite difference is not zero")
                    continue
                got = np.asarray(next(it), np.float64)
                assert got.shape == v.shape, (
                    f"{op_type} case {index} input {i}: gradient shape {got.shape} != "
                    f"input shape {v.shape}")
                np.testing.assert_allclose(
                    got, numeric, rtol=case.rtol, atol=case.atol,
                    err_msg=f"{op_type} case {index}: gradient of input {i} is wrong")


# Rules that raise a clear error by design (tested where the op lives).
REFUSING = {"WhileGrad": "second-order gradients through while loops "
                         "(tests/autodiff/test_while_grad.py)",
            "LSTMSequenceGrad": "second-order gradients through a fused LSTM sequence "
                                "(tests/ops/rnn/test_lstm_sequence.py)",
            "QuantizeV2": "no gradient, as TF (tests/ops/test_quantize_ops.py)",
            "ResizeArea": "no gradient, as TF (tests/ops/test_image_resize_ops.py)",
            "ResizeNearestNeighborGrad": "no gradient, as TF",
            "Dequantize": "no gradient, as TF (tests/ops/test_quantize_ops.py)",
            "QuantizedConcat": "no gradient, as TF (tests/ops/test_quantize_ops.py)",
            "Lu": "no gradient, as TF (tests/ops/test_linalg_lu_ops.py)",
            "MatrixSolveLs": "fast=False has no gradient, as TF "
                             "(tests/ops/test_linalg_composites.py)",
            "Dilation2DBackpropInput": "no gradient, as TF (tests/ops/test_morphology_ops.py)",
            "Dilation2DBackpropFilter": "no gradient, as TF "
                                        "(tests/ops/test_morphology_ops.py)",
            "FractionalMaxPoolGrad": "no gradient, as TF "
                                     "(tests/ops/test_fractional_pool_ops.py)",
            "FractionalAvgPoolGrad": "no gradient, as TF "
                                     "(tests/ops/test_fractional_pool_ops.py)"}
# Straight-through estimators: TF's gradients of quantizers are not the derivative of the
# (piecewise constant) function, so finite differences cannot check them; they are
# checked against gradients recorded from TF 2.21 where the op lives.
STRAIGHT_THROUGH = {
    "FakeQuantWithMinMaxArgs": "tests/ops/test_fake_quant_ops.py",
    "FakeQuantWithMinMaxVars": "tests/ops/test_fake_quant_ops.py",
    "FakeQuantWithMinMaxVarsPerChannel": "tests/ops/test_fake_quant_ops.py",
    "QuantizeAndDequantizeV2": "tests/ops/test_quantize_and_dequantize.py",
    "QuantizeAndDequantizeV4": "tests/ops/test_quantize_and_dequantize.py",
}


# Random draws: a rerun draws anew, so finite differences cannot check them; their
# (implicit reparameterization) gradients are checked against TF's where noted.
STOCHASTIC = {
    "RandomGammaRate": "tests/ops/test_special_functions.py (RandomGammaGrad vs TF 2.21) "
                       "and tests/distributions/test_sampling.py (d E[x] / d alpha)",
}


@pytest.mark.parametrize("op_type", _differentiable_types())
def test_every_differentiable_op_has_a_checked_gradient(op_type: str) -> None:
    if op_type in REFUSING or op_type in STRAIGHT_THROUGH or op_type in STOCHASTIC:
        return
    d = registry.get_op_def(op_type)
    if d.grad_fn is None:
        pytest.fail(f"Op type '{op_type}' has a kernel but no gradient rule: register one "
                    f"with @registry.register_gradient('{op_type}') (autodiff/*_grad.py) or "
                    f"declare it with registry.not_differentiable('{op_type}').")
    cases = CASES.get(op_type)
    if not cases:
        pytest.fail(f"Op type '{op_type}' has a gradient rule but no finite-difference case: "
                    f"add one to CASES in tests/autodiff/test_gradient_registry.py.")
    for i, case in enumerate(cases):
        _check_case(op_type, case, i)


def test_table_has_no_stale_entries() -> None:
    known = set(_differentiable_types())
    stale = sorted(set(CASES) - known)
    assert not stale, (f"CASES lists op types that are not registered as differentiable "
                       f"kernels: {stale}")


def test_the_check_catches_a_wrong_rule() -> None:
    """A deliberately wrong rule (d(x*y)/dx = 2y) must fail the finite-difference check."""
    graph_type = "_WrongMulGradForTest"
    if graph_type not in registry.registered_op_types():
        registry.register_gradient(graph_type)(lambda op, g: [2.0 * g * op.inputs[1],
                                                              g * op.inputs[0]])

    def build(x, y):
        with tk.get_default_graph().gradient_override_map({"Mul": graph_type}):
            return x * y

    with pytest.raises(AssertionError, match="gradient of input 0 is wrong"):
        _check_case("Mul", C(build, [(2,), (2,)]), 0)
