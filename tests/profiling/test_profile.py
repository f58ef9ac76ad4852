"""``tk.profiler.profile`` against TF 2.21.0 (``tf_reference.json``, recorded by
``make_reference.py`` from the graphs of ``graphs.py``).

Forward graphs are built op for op as TF builds them, so their trees and printed reports
must be equal. Gradient graphs differ where trainkit's gradient rules build other ops
than TF's (names, and ``SumToShape`` where TF sums with ``Sum``): for those the per-op
FLOPs are compared by op type, with the known differences listed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import trainkit as tk
from tests.profiling.graphs import (
    GRAPHS,
    op_flops,
    op_tree,
    option_sets,
    traced_unknown_batch,
    tree,
)
from trainkit.profiling import flops

REF = json.loads(Path(__file__).with_name("tf_reference.json").read_text())
FORWARD = ("cnn", "mlp", "unknown_batch", "keras_cnn")
# tf_keras makes resource variables (VarHandleOp) even in TF1 graph mode; trainkit's keras
# makes VariableV2, so the op view's variable row has another name (same counts).
OP_TYPE_RENAMES = {"keras_cnn": ("VarHandleOp", "VariableV2")}
# (op type, FLOPs) of ops only TF's graph has, and only trainkit's: TF reduces a
# broadcasting AddV2's gradient with Sum (+ Reshape), trainkit with one SumToShape op
# (no FLOP rule); TF's Rsqrt gradient is one RsqrtGrad op (4 per element), trainkit's
# -0.5 * y**3 * dy is a Square and three Muls (as many FLOPs).
ONLY_IN_TF = {"cnn_adam": [("Sum", 70)], "mlp_sgd": [("Sum", 1550)],
              "op_zoo": [("Sum", 199), ("RsqrtGrad", 800)]}
ONLY_IN_TK = {"cnn_adam": [], "mlp_sgd": [],
              "op_zoo": [("Mul", 200), ("Mul", 200), ("Mul", 200), ("Square", 200)]}


def _graph(name: str) -> tk.Graph:
    graph = tk.Graph()
    with graph.as_default():
        tk.set_random_seed(0)
        GRAPHS[name](tk)
    return graph


def _profile(name: str, key: str, capsys) -> tuple[list, str]:
    graph = _graph(name)
    capsys.readouterr()
    if key.startswith("op:"):
        node = tk.profiler.profile(graph, cmd="op", options=option_sets(tk)[key[3:]])
        return op_tree(node), capsys.readouterr().out
    node = tk.profiler.profile(graph, options=option_sets(tk)[key])
    return tree(node), capsys.readouterr().out


def _expected(name: str, key: str) -> tuple[list, str]:
    """TF's tree and report for ``key`` on graph ``name``, in trainkit's op type names."""
    ref = REF[name][key]
    if not key.startswith("op:") or name not in OP_TYPE_RENAMES:
        return ref["tree"], ref["report"]
    tf_type, tk_type = OP_TYPE_RENAMES[name]
    text = json.dumps(ref["tree"]).replace(f'"{tf_type}"', f'"{tk_type}"')
    report = ref["report"].replace(f"\n{tf_type}", f"\n{tk_type:<{len(tf_type)}}")
    return json.loads(text), report


def test_reference_is_from_tf_2_21():
    assert REF["tf_version"] == "2.21.0"


@pytest.mark.parametrize("name", FORWARD)
@pytest.mark.parametrize("key", sorted(view + k for k in set(option_sets(tk)) - {"default"}
                                        for view in ("", "op:")))
def test_forward_graphs_match_tf(name, key, capsys):
    got_tree, report = _profile(name, key, capsys)
    assert (got_tree, report) == _expected(name, key)


@pytest.mark.parametrize("name", FORWARD)
def test_default_options_totals_match_tf(name, capsys):
    """ProfileOptionBuilder()'s defaults show every node, constants too (whose names
    trainkit does not always share with TF), so only the totals are compared; nothing
    is printed (with_empty_output)."""
    got_tree, report = _profile(name, "default", capsys)
    assert got_tree[:5] == REF[name]["default"]["tree"][:5]
    assert report == REF[name]["default"]["report"] == ""


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_parameter_report_matches_tf(name, capsys):
    for key in ("params", "params_by_params", "op:params", "op:params_by_params"):
        got_tree, report = _profile(name, key, capsys)
        assert (got_tree, report) == _expected(name, key)


@pytest.mark.parametrize("name", sorted(set(GRAPHS) - set(FORWARD)))
def test_gradient_graph_flops_by_op_type(name):
    graph = _graph(name)
    node = tk.profiler.profile(graph, options=option_sets(tk)["default"])
    got = Counter(tuple(x) for x in op_flops(graph, node))
    want = Counter(tuple(x) for x in REF[name]["op_flops"])
    assert want - got == Counter(ONLY_IN_TF[name])
    assert got - want == Counter(ONLY_IN_TK[name])
    total = (node.total_float_ops + sum(f for _, f in ONLY_IN_TF[name])
             - sum(f for _, f in ONLY_IN_TK[name]))
    assert total == REF[name]["default"]["tree"][2]


def test_cnn_totals_by_hand():
    """Each op's FLOPs by TF's rules, counted by hand."""
    graph = _graph("cnn")
    b = tk.profiler.ProfileOptionBuilder
    flops = tk.profiler.profile(graph, options=b(b.float_operation()).with_empty_output()
                                .build())
    conv = 8 * 28 * 28 * 4 * (5 * 5 * 1) * 2  # output elements * filter volume * 2
    dense = 2 * 784 * (8 * 10)  # 2 * k * output elements
    pool = (2 * 2) * (8 * 14 * 14 * 4)  # window area * output elements
    bias = 8 * 28 * 28 * 4
    inits = 2 * (784 * 10) + 2 * (5 * 5 * 1 * 4)  # random/truncated normal: mul + add
    tail = 80 + 80 + 80 + 80  # fc/add, sub, Square, Mean over 80 elements
    assert flops.total_float_ops == conv + dense + pool + bias + inits + tail == 1446216
    params = tk.profiler.profile(graph, options=b(b.trainable_variables_parameter())
                                 .with_empty_output().build())
    assert params.total_parameters == 5 * 5 * 1 * 4 + 4 + 784 * 10 + 10


def test_file_output_is_tfs_report_body(tmp_path, capsys):
    graph = tk.Graph()
    with graph.as_default():
        tk.Variable(tk.zeros([3, 2]), name="v")
    path = tmp_path / "report.txt"
    b = tk.profiler.ProfileOptionBuilder
    tk.profiler.profile(graph, options=b(b.trainable_variables_parameter())
                        .with_file_output(str(path)).build())
    assert path.read_text() == REF["file_report"]
    assert capsys.readouterr().out == ""


def test_defaults_profile_parameters_of_default_graph(capsys):
    with tk.Graph().as_default():
        tk.Variable(tk.zeros([3, 2]), name="v")
        tk.Variable(tk.zeros([5]), name="frozen", trainable=False)
        node = tk.profiler.profile()
    assert (node.name, node.total_parameters) == ("_TFProfRoot", 6)
    assert [(c.name, c.parameters) for c in node.children] == [("v", 6)]
    assert "  v (3x2, 6/6 params)\n" in capsys.readouterr().out


def test_unknown_shapes_count_zero_and_are_reported(capsys):
    graph = _graph("unknown_batch")
    capsys.readouterr()
    b = tk.profiler.ProfileOptionBuilder
    node = tk.profiler.profile(graph, options=b(b.float_operation()).with_empty_output()
                               .build())
    assert node.total_float_ops == 0
    assert capsys.readouterr().err == "3 ops no flops stats due to incomplete shapes.\n"


def test_nchw_pool_counts_zero_as_in_tf(capsys):
    """TF 2.21's pooling rules raise ValueError for NCHW and the op counts 0 FLOPs (so
    TF gives 216 in total here); its Conv2D rule does not look at the data format."""
    with tk.Graph().as_default() as graph:
        x = tk.placeholder(tk.float32, [1, 1, 4, 4])
        pool = tk.nn.avg_pool(x, [1, 1, 2, 2], [1, 1, 2, 2], "VALID", data_format="NCHW",
                              name="pool")
        tk.nn.conv2d(x, tk.ones([2, 2, 1, 3]), [1, 1, 1, 1], "VALID", data_format="NCHW",
                     name="conv")
    with pytest.raises(ValueError, match="Only NHWC format"):
        flops.float_ops(pool.op)
    b = tk.profiler.ProfileOptionBuilder
    node = tk.profiler.profile(graph, options=b(b.float_operation()).with_empty_output()
                               .build())
    assert node.total_float_ops == 216
    assert [(c.name, c.float_ops) for c in node.children] == [("conv", 216)]
    assert capsys.readouterr().err == "1 ops no flops stats due to incomplete shapes.\n"


@pytest.mark.parametrize("kwargs, error, match", [
    ({"cmd": "bogus"}, tk.errors.InvalidArgumentError, "unknown cmd: bogus"),
    ({"cmd": "code"}, tk.errors.UnimplementedError, "cmd='code' is not supported"),
    ({"cmd": "graph"}, tk.errors.UnimplementedError, "cmd='graph' is not supported"),
    ({"op_log": object()}, tk.errors.UnimplementedError, "op_log"),
    ({"graph": "g"}, TypeError, "graph must be a tk.Graph, got str"),
])
def test_bad_profile_arguments(kwargs, error, match):
    kwargs.setdefault("graph", tk.Graph())
    with pytest.raises(error, match=match):
        tk.profiler.profile(**kwargs)


def test_duplicate_flop_rule_raises():
    with pytest.raises(KeyError, match="'MatMul' already has a FLOP rule"):
        flops.register("MatMul")(lambda op: 0)


def test_run_metadata_completes_shapes_as_in_tf(capsys):
    """The traced run fixes the batch (7) of MatMul's output, so mul and Softmax count;
    MatMul itself still needs x's shape, which a fed placeholder does not record (TF's
    step stats have no node 'x' either)."""
    graph, run_meta = traced_unknown_batch(tk)
    capsys.readouterr()
    node = tk.profiler.profile(graph, run_meta=run_meta,
                               options=tk.profiler.ProfileOptionBuilder.float_operation())
    out = capsys.readouterr()
    assert tree(node) == REF["traced_unknown_batch"]["tree"]
    assert out.out == REF["traced_unknown_batch"]["report"]
    assert out.err == ""  # TF reports incomplete shapes only without run metadata
    assert graph.get_tensor_by_name("MatMul:0").shape.as_list() == [7, 5]


def test_profiler_is_imported_on_first_use():
    code = ("import sys, trainkit as tk; assert 'trainkit.profiling' not in sys.modules; "
            "tk.profiler.ProfileOptionBuilder; assert 'trainkit.profiling' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, env=dict(os.environ))
