"""Graphs in and out: import_graph_def (trainkit's own complete GraphDefs and TF's),
export/import_meta_graph with the TF1 restore idiom in a fresh process, write_graph,
graph_util.convert_variables_to_constants / extract_sub_graph."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import trainkit as tk
from trainkit.framework.meta_graph_proto import protos
from trainkit.training.meta_graph import read_meta_graph_file

# A frozen CNN written by TensorFlow 2.21 (tf.compat.v1.graph_util.convert_variables_to_
# constants): Placeholder, Const, Conv2D, Relu, MaxPool, Reshape, MatMul, Add, Softmax,
# ArgMax, Mean; with its outputs for x = arange(32).reshape(2, 4, 4, 1) / 32.
TF_FROZEN = (
    "CkMKAXgSC1BsYWNlaG9sZGVyKiQKBXNoYXBlEhs6GRILCP///////////wESAggEEgIIBBICCAEqCwoFZHR5cGUS"
    "AjABCloKAXcSBUNvbnN0KgsKBWR0eXBlEgIwASpBCgV2YWx1ZRI4QjYIARIQEgIIAhICCAISAggBEgIIAiIgsPBH"
    "PZhaXD6YddI9cNc3PeBanL1EZRU+kKR/vXiWyD4KLQoVQ29udjJEL1JlYWRWYXJpYWJsZU9wEghJZGVudGl0eRoB"
    "dyoHCgFUEgIwAQq6AQoGQ29udjJEEgZDb252MkQaAXgaFUNvbnYyRC9SZWFkVmFyaWFibGVPcCoTCgdzdHJpZGVz"
    "EggKBhoEAQEBASoWChB1c2VfY3Vkbm5fb25fZ3B1EgIoASoVCglkaWxhdGlvbnMSCAoGGgQBAQEBKgcKAVQSAjAB"
    "KhEKB3BhZGRpbmcSBhIEU0FNRSoXChFleHBsaWNpdF9wYWRkaW5ncxICCgAqFQoLZGF0YV9mb3JtYXQSBhIETkhX"
    "QwodCgRSZWx1EgRSZWx1GgZDb252MkQqBwoBVBICMAEKjQEKB01heFBvb2wSB01heFBvb2waBFJlbHUqEwoHc3Ry"
    "aWRlcxIICgYaBAECAgEqFQoLZGF0YV9mb3JtYXQSBhIETkhXQyoRCgVrc2l6ZRIICgYaBAECAgEqBwoBVBICMAEq"
    "EgoHcGFkZGluZxIHEgVWQUxJRCoXChFleHBsaWNpdF9wYWRkaW5ncxICCgAKQgoNUmVzaGFwZS9zaGFwZRIFQ29u"
    "c3QqCwoFZHR5cGUSAjADKh0KBXZhbHVlEhRCEggDEgQSAggCIgj/////CAAAAApBCgdSZXNoYXBlEgdSZXNoYXBl"
    "GgdNYXhQb29sGg1SZXNoYXBlL3NoYXBlKgwKBlRzaGFwZRICMAMqBwoBVBICMAEKkwEKAncyEgVDb25zdCoLCgVk"
    "dHlwZRICMAEqeQoFdmFsdWUScEJuCAESCBICCAgSAggDImA0Ze0+OLbuvfxclT4Atew88FqLPc7n2T4qodu+ymPT"
    "vu+l9b4mTao+kGqOPjxyvT52DfU+UCuZPtDHHb2GoY8+iXHDvnRHDz5mmra+pKvjPkD7sjy4xa69VhhxvlxojD4K"
    "LgoVTWF0TXVsL1JlYWRWYXJpYWJsZU9wEghJZGVudGl0eRoCdzIqBwoBVBICMAEKewoGTWF0TXVsEgZNYXRNdWwa"
    "B1Jlc2hhcGUaFU1hdE11bC9SZWFkVmFyaWFibGVPcCoRCgt0cmFuc3Bvc2VfYhICKAAqDAoGZ3JhZF9iEgIoACoH"
    "CgFUEgIwASoRCgt0cmFuc3Bvc2VfYRICKAAqDAoGZ3JhZF9hEgIoAAo+CgVDb25zdBIFQ29uc3QqCwoFZHR5cGUS"
    "AjABKiEKBXZhbHVlEhhCFggBEgQSAggDIgzNzMw9zcxMPpqZmT4KJwoGbG9naXRzEgVBZGRWMhoGTWF0TXVsGgVD"
    "b25zdCoHCgFUEgIwAQodCgF5EgdTb2Z0bWF4GgZsb2dpdHMqBwoBVBICMAEKOAoOcHJlZC9kaW1lbnNpb24SBUNv"
    "bnN0KgsKBWR0eXBlEgIwAyoSCgV2YWx1ZRIJQgcIAxIAOgEBCkkKBHByZWQSBkFyZ01heBoBeRoOcHJlZC9kaW1l"
    "bnNpb24qEQoLb3V0cHV0X3R5cGUSAjAJKgcKAVQSAjABKgoKBFRpZHgSAjADCj0KE20vcmVkdWN0aW9uX2luZGlj"
    "ZXMSBUNvbnN0KgsKBWR0eXBlEgIwAyoSCgV2YWx1ZRIJQgcIAxIAOgEBCkwKAW0SBE1lYW4aBmxvZ2l0cxoTbS9y"
    "ZWR1Y3Rpb25faW5kaWNlcyoPCglrZWVwX2RpbXMSAigBKgcKAVQSAjABKgoKBFRpZHgSAjADEgAiAwiqEw=="
)
TF_Y = [[0.3007086217403412, 0.26881760358810425, 0.4304737448692322],
        [0.2847636342048645, 0.19181779026985168, 0.5234185457229614]]
TF_PRED = [2, 2]
TF_M = [[0.3284570574760437], [0.5487450957298279]]


def _graph_def(data):
    gd = protos().GraphDef()
    gd.ParseFromString(data)
    return gd


def test_import_tf_frozen_graph_with_input_map():
    gd = _graph_def(base64.b64decode("".join(TF_FROZEN)))
    x = tk.placeholder(tk.float32, [None, 4, 4, 1], name="images")
    y, pred, m = tk.import_graph_def(gd, input_map={"x:0": x},
                                     return_elements=["y:0", "pred:0", "m:0"])
    assert y.name == "import/y:0" and m.shape.as_list() == [None, 1]
    xv = np.arange(32, dtype=np.float32).reshape(2, 4, 4, 1) / 32
    with tk.Session() as sess:
        yv, pv, mv = sess.run([y, pred, m], {x: xv})
    np.testing.assert_allclose(yv, TF_Y, rtol=1e-5)
    assert pv.tolist() == TF_PRED
    np.testing.assert_allclose(mv, TF_M, rtol=1e-5)


# TF 2.21's tf.compat.v1 graph with a resource variable: w = Variable([[1, 2], [3, 4]]),
# y = matmul(x, w), and w.assign_add(ones) (node AssignAddVariableOp).
TF_RESOURCE_VARS = (
    "CjsKAXgSC1BsYWNlaG9sZGVyKgsKBWR0eXBlEgIwASocCgVzaGFwZRITOhESCwj///////////8BEgIIAgpyCht3"
    "L0luaXRpYWxpemVyL2luaXRpYWxfdmFsdWUSBUNvbnN0KhQKBl9jbGFzcxIKCggSBmxvYzpAdyopCgV2YWx1ZRIg"
    "Qh4IARIIEgIIAhICCAIiEAAAgD8AAABAAABAQAAAgEAqCwoFZHR5cGUSAjABCpgBCgF3EgtWYXJIYW5kbGVPcCoU"
    "CgZfY2xhc3MSCgoIEgZsb2M6QHcqEgoKZGVidWdfbmFtZRIEEgJ3LyoVCg9hbGxvd2VkX2RldmljZXMSAgoAKgsK"
    "BWR0eXBlEgIwASoTCgVzaGFwZRIKOggSAggCEgIIAioSCgtzaGFyZWRfbmFtZRIDEgF3Kg8KCWNvbnRhaW5lchIC"
    "EgAKOwoidy9Jc0luaXRpYWxpemVkL1ZhcklzSW5pdGlhbGl6ZWRPcBISVmFySXNJbml0aWFsaXplZE9wGgF3Cl8K"
    "CHcvQXNzaWduEhBBc3NpZ25WYXJpYWJsZU9wGgF3Ght3L0luaXRpYWxpemVyL2luaXRpYWxfdmFsdWUqFAoOdmFs"
    "aWRhdGVfc2hhcGUSAigAKgsKBWR0eXBlEgIwAQo3ChV3L1JlYWQvUmVhZFZhcmlhYmxlT3ASDlJlYWRWYXJpYWJs"
    "ZU9wGgF3KgsKBWR0eXBlEgIwAQoyChB5L1JlYWRWYXJpYWJsZU9wEg5SZWFkVmFyaWFibGVPcBoBdyoLCgVkdHlw"
    "ZRICMAEKawoBeRIGTWF0TXVsGgF4GhB5L1JlYWRWYXJpYWJsZU9wKhEKC3RyYW5zcG9zZV9iEgIoACoMCgZncmFk"
    "X2ESAigAKgwKBmdyYWRfYhICKAAqBwoBVBICMAEqEQoLdHJhbnNwb3NlX2ESAigACjkKBG9uZXMSBUNvbnN0Kh0K"
    "BXZhbHVlEhRCEggBEggSAggCEgIIAioEAACAPyoLCgVkdHlwZRICMAEKaAoTQXNzaWduQWRkVmFyaWFibGVPcBIT"
    "QXNzaWduQWRkVmFyaWFibGVPcBoBdxoEb25lcyomCiBfaGFzX21hbnVhbF9jb250cm9sX2RlcGVuZGVuY2llcxIC"
    "KAEqCwoFZHR5cGUSAjABCkYKDlJlYWRWYXJpYWJsZU9wEg5SZWFkVmFyaWFibGVPcBoBdxoUXkFzc2lnbkFkZFZh"
    "cmlhYmxlT3AqCwoFZHR5cGUSAjABIgMIqhM="
)


def test_import_tf_resource_variables():
    gd = _graph_def(base64.b64decode("".join(TF_RESOURCE_VARS)))
    tk.import_graph_def(gd, name="")
    with tk.Session() as sess:
        assert not sess.run("w/IsInitialized/VarIsInitializedOp:0")
        sess.run("w/Assign")
        assert sess.run("y:0", {"x:0": [[1.0, 1.0]]}).tolist() == [[4.0, 6.0]]
        sess.run("AssignAddVariableOp")
        assert sess.run("y:0", {"x:0": [[1.0, 1.0]]}).tolist() == [[6.0, 8.0]]


# TF 2.21 graph using FusedBatchNormV3 (inference), Split, Unpack, Slice, Pad, Select,
# ZerosLike, Conv2DBackpropInput with a computed output shape, Pack, Shape, StridedSlice,
# and many top-level Const nodes (names a helper op must not take); output 'out' for
# x = arange(64).reshape(2, 4, 4, 2) / 64.
TF_MORE_OPS = (
    "CkMKAXgSC1BsYWNlaG9sZGVyKiQKBXNoYXBlEhs6GRILCP///////////wESAggEEgIIBBICCAIqCwoFZHR5cGUS"
    "AjABCjoKBUNvbnN0EgVDb25zdCodCgV2YWx1ZRIUQhIIARIEEgIIAiIIAACAPwAAAEAqCwoFZHR5cGUSAjABCjwK"
    "B0NvbnN0XzESBUNvbnN0Kh0KBXZhbHVlEhRCEggBEgQSAggCIggAAAA/AAAAvyoLCgVkdHlwZRICMAEKPAoHQ29u"
    "c3RfMhIFQ29uc3QqHQoFdmFsdWUSFEISCAESBBICCAIiCM3MTD6amZk+KgsKBWR0eXBlEgIwAQo8CgdDb25zdF8z"
    "EgVDb25zdCodCgV2YWx1ZRIUQhIIARIEEgIIAiIIAADAPwAAAD8qCwoFZHR5cGUSAjABCrgBChBGdXNlZEJhdGNo"
    "Tm9ybVYzEhBGdXNlZEJhdGNoTm9ybVYzGgF4GgVDb25zdBoHQ29uc3RfMRoHQ29uc3RfMhoHQ29uc3RfMyoQCgdl"
    "cHNpbG9uEgUlCtcjPCoHCgFVEgIwASofChZleHBvbmVudGlhbF9hdmdfZmFjdG9yEgUlAACAPyoRCgtpc190cmFp"
    "bmluZxICKAAqBwoBVBICMAEqFQoLZGF0YV9mb3JtYXQSBhIETkhXQwopCgJibhIISWRlbnRpdHkaEEZ1c2VkQmF0"
    "Y2hOb3JtVjMqBwoBVBICMAEKOQoPc3BsaXQvc3BsaXRfZGltEgVDb25zdCoSCgV2YWx1ZRIJQgcIAxIAOgEDKgsK"
    "BWR0eXBlEgIwAwo9CgVzcGxpdBIFU3BsaXQaD3NwbGl0L3NwbGl0X2RpbRoCYm4qDwoJbnVtX3NwbGl0EgIYAioH"
    "CgFUEgIwAQo4Cgd1bnN0YWNrEgZVbnBhY2saBXNwbGl0KgoKBGF4aXMSAhgBKgcKAVQSAjABKgkKA251bRICGAQK"
    "SAoLU2xpY2UvYmVnaW4SBUNvbnN0KiUKBXZhbHVlEhxCGggDEgQSAggEIhAAAAAAAQAAAAEAAAAAAAAAKgsKBWR0"
    "eXBlEgIwAwpHCgpTbGljZS9zaXplEgVDb25zdColCgV2YWx1ZRIcQhoIAxIEEgIIBCIQ/////wIAAAACAAAAAQAA"
    "ACoLCgVkdHlwZRICMAMKRgoFU2xpY2USBVNsaWNlGgdzcGxpdDoxGgtTbGljZS9iZWdpbhoKU2xpY2Uvc2l6ZSoL"
    "CgVJbmRleBICMAMqBwoBVBICMAEKXQoMUGFkL3BhZGRpbmdzEgVDb25zdCo5CgV2YWx1ZRIwQi4IAxIIEgIIBBIC"
    "CAIiIAAAAAAAAAAAAQAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAKgsKBWR0eXBlEgIwAwo5CgNQYWQSA1BhZBoFU2xp"
    "Y2UaDFBhZC9wYWRkaW5ncyoPCglUcGFkZGluZ3MSAjADKgcKAVQSAjABCjYKCUdyZWF0ZXIveRIFQ29uc3QqFQoF"
    "dmFsdWUSDEIKCAESACoEAAAAPyoLCgVkdHlwZRICMAEKKwoHR3JlYXRlchIHR3JlYXRlchoDUGFkGglHcmVhdGVy"
    "L3kqBwoBVBICMAEKJQoKemVyb3NfbGlrZRIJWmVyb3NMaWtlGgNQYWQqBwoBVBICMAEKMwoGU2VsZWN0EgZTZWxl"
    "Y3QaB0dyZWF0ZXIaA1BhZBoKemVyb3NfbGlrZSoHCgFUEgIwAQpwCgdDb25zdF80EgVDb25zdCpRCgV2YWx1ZRJI"
    "QkYIARIQEgIIAhICCAISAggDEgIIASIwC38MP6YWNz+zTho/d30LP0jp2D5RWSU/bgvgPjxLZD+asnY/clLEPn6u"
    "Sj+oZQc/KgsKBWR0eXBlEgIwAQo4CgVTaGFwZRIFU2hhcGUaAXgqDgoIb3V0X3R5cGUSAjADKgcKAVQSAjABOgwI"
    "AxIICO0HEgMIzwEKQQoTc3RyaWRlZF9zbGljZS9zdGFjaxIFQ29uc3QqFgoFdmFsdWUSDUILCAMSBBICCAE6AQAq"
    "CwoFZHR5cGUSAjADCkMKFXN0cmlkZWRfc2xpY2Uvc3RhY2tfMRIFQ29uc3QqFgoFdmFsdWUSDUILCAMSBBICCAE6"
    "AQEqCwoFZHR5cGUSAjADCkMKFXN0cmlkZWRfc2xpY2Uvc3RhY2tfMhIFQ29uc3QqFgoFdmFsdWUSDUILCAMSBBIC"
    "CAE6AQEqCwoFZHR5cGUSAjADCuEBCg1zdHJpZGVkX3NsaWNlEgxTdHJpZGVkU2xpY2UaBVNoYXBlGhNzdHJpZGVk"
    "X3NsaWNlL3N0YWNrGhVzdHJpZGVkX3NsaWNlL3N0YWNrXzEaFXN0cmlkZWRfc2xpY2Uvc3RhY2tfMioTCg1lbGxp"
    "cHNpc19tYXNrEgIYACoTCg1uZXdfYXhpc19tYXNrEgIYACoWChBzaHJpbmtfYXhpc19tYXNrEgIYASoQCgpiZWdp"
    "bl9tYXNrEgIYACoLCgVJbmRleBICMAMqDgoIZW5kX21hc2sSAhgAKgcKAVQSAjADCjEKB3N0YWNrLzESBUNvbnN0"
    "KhIKBXZhbHVlEglCBwgDEgA6AQYqCwoFZHR5cGUSAjADCjEKB3N0YWNrLzISBUNvbnN0KhIKBXZhbHVlEglCBwgD"
    "EgA6AQYqCwoFZHR5cGUSAjADCjEKB3N0YWNrLzMSBUNvbnN0KhIKBXZhbHVlEglCBwgDEgA6AQMqCwoFZHR5cGUS"
    "AjADClUKBXN0YWNrEgRQYWNrGg1zdHJpZGVkX3NsaWNlGgdzdGFjay8xGgdzdGFjay8yGgdzdGFjay8zKgoKBGF4"
    "aXMSAhgAKgcKAU4SAhgEKgcKAVQSAjADCs8BChBjb252MmRfdHJhbnNwb3NlEhNDb252MkRCYWNrcHJvcElucHV0"
    "GgVzdGFjaxoHQ29uc3RfNBoGU2VsZWN0KhMKB3N0cmlkZXMSCAoGGgQBAgIBKhEKB3BhZGRpbmcSBhIEU0FNRSoW"
    "ChB1c2VfY3Vkbm5fb25fZ3B1EgIoASoXChFleHBsaWNpdF9wYWRkaW5ncxICCgAqFQoJZGlsYXRpb25zEggKBhoE"
    "AQEBASoHCgFUEgIwASoVCgtkYXRhX2Zvcm1hdBIGEgROSFdDCk4KFVN1bS9yZWR1Y3Rpb25faW5kaWNlcxIFQ29u"
    "c3QqIQoFdmFsdWUSGEIWCAMSBBICCAMiDAEAAAACAAAAAwAAACoLCgVkdHlwZRICMAMKWQoDU3VtEgNTdW0aEGNv"
    "bnYyZF90cmFuc3Bvc2UaFVN1bS9yZWR1Y3Rpb25faW5kaWNlcyoKCgRUaWR4EgIwAyoHCgFUEgIwASoPCglrZWVw"
    "X2RpbXMSAigACkwKF1N1bV8xL3JlZHVjdGlvbl9pbmRpY2VzEgVDb25zdCodCgV2YWx1ZRIUQhIIAxIEEgIIAiII"
    "AQAAAAIAAAAqCwoFZHR5cGUSAjADClYKBVN1bV8xEgNTdW0aCXVuc3RhY2s6MhoXU3VtXzEvcmVkdWN0aW9uX2lu"
    "ZGljZXMqBwoBVBICMAEqCgoEVGlkeBICMAMqDwoJa2VlcF9kaW1zEgIoAAohCgNhZGQSBUFkZFYyGgNTdW0aBVN1"
    "bV8xKgcKAVQSAjABCh0KA291dBIISWRlbnRpdHkaA2FkZCoHCgFUEgIwASIDCKoT"
)
TF_MORE_OUT = [2.315342903137207, 26.684438705444336]


def test_import_tf_graph_with_more_op_types():
    gd = _graph_def(base64.b64decode("".join(TF_MORE_OPS)))
    (out,) = tk.import_graph_def(gd, return_elements=["out:0"])
    # the reductions keep the GraphDef's operands (TF's ``Sum/reduction_indices``)
    node = {n.name: n for n in gd.node}["Sum"]
    got = out.graph.get_operation_by_name("import/Sum")
    assert [t.op.name for t in got.inputs] == ["import/" + i for i in node.input]
    xv = np.arange(64, dtype=np.float32).reshape(2, 4, 4, 2) / 64
    with tk.Session() as sess:
        np.testing.assert_allclose(sess.run(out, {"import/x:0": xv}), TF_MORE_OUT, rtol=1e-5)


def test_import_errors_name_the_problem():
    gd = protos().GraphDef()
    gd.node.add(name="weird", op="FancyTFOp")
    with pytest.raises(ValueError, match="'weird' has op type 'FancyTFOp'"):
        tk.import_graph_def(gd)
    g0 = tk.Graph()  # a trainkit export (with _output_types) of an unknown op type
    with g0.as_default():
        g0.create_op("NoSuchTrainkitOp", [], [tk.float32], name="odd", shapes=[[]])
    own = g0.as_graph_def()
    with pytest.raises(ValueError, match="'odd' has op type 'NoSuchTrainkitOp', which "
                                         "trainkit does not know"):
        tk.import_graph_def(own)
    g = tk.Graph()
    with g.as_default():
        tk.constant(1.0, name="c")
    with pytest.raises(ValueError, match="not found in graph_def"):
        tk.import_graph_def(g.as_graph_def(), input_map={"nope:0": tk.constant(2.0)})
    with pytest.raises(ValueError, match="return_element 'nope:0' not found"):
        tk.import_graph_def(g.as_graph_def(), return_elements=["nope:0"])
    with pytest.raises(TypeError, match="GraphDef"):
        tk.import_graph_def("not a graph")


def _model():
    x = tk.placeholder(tk.float32, [None, 3], name="x")
    h = tk.layers.dense(x, 4, activation=tk.nn.relu)
    gate = tk.placeholder_with_default(True, [], name="gate")
    h = tk.cond(gate, lambda: h * 2.0, lambda: h - 1.0)
    return x, tk.identity(tk.layers.dense(h, 2), name="y")


def test_own_graph_def_round_trip_and_freeze():
    x, y = _model()
    xv = np.random.RandomState(0).rand(5, 3).astype(np.float32)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        expected = sess.run(y, {x: xv})
        off = sess.run(y, {x: xv, "gate:0": False})
        frozen = tk.graph_util.convert_variables_to_constants(
            sess, sess.graph.as_graph_def(), ["y"])
    assert not [n for n in frozen.node if n.op in ("VariableV2", "Assign")]
    assert {n.name for n in frozen.node} >= {"x", "y", "dense/kernel", "gate"}
    with tk.Graph().as_default():
        (y2,) = tk.import_graph_def(frozen, name="", return_elements=["y:0"])
        with tk.Session() as sess:
            np.testing.assert_allclose(sess.run(y2, {"x:0": xv}), expected, rtol=1e-6)
            np.testing.assert_allclose(sess.run(y2, {"x:0": xv, "gate:0": False}), off,
                                       rtol=1e-6)
    sub = tk.graph_util.extract_sub_graph(frozen, ["dense/kernel"])
    assert [n.name for n in sub.node] == ["dense/kernel"]
    with pytest.raises(ValueError, match="nope is not in graph"):
        tk.graph_util.extract_sub_graph(frozen, ["nope"])
    with pytest.raises(TypeError, match="must be a list"):
        tk.graph_util.extract_sub_graph(frozen, "y")


def test_write_graph_text_and_binary(tmp_path):
    _model()
    text = tk.train.write_graph(tk.get_default_graph(), str(tmp_path / "out"), "g.pbtxt")
    binary = tk.train.write_graph(tk.get_default_graph().as_graph_def(), str(tmp_path),
                                  "g.pb", as_text=False)
    from google.protobuf import text_format

    gd_text = text_format.Parse(open(text).read(), protos().GraphDef())
    gd_bin = _graph_def(open(binary, "rb").read())
    assert [n.name for n in gd_text.node] == [n.name for n in gd_bin.node]
    assert "y" in [n.name for n in gd_bin.node]
    with tk.Graph().as_default():
        tk.import_graph_def(gd_text, name="")
        assert tk.get_default_graph().get_tensor_by_name("y:0").shape.as_list() == [None, 2]


_TRAIN = textwrap.dedent("""
    import json, sys
    import numpy as np
    import trainkit as tf
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    yt = tf.placeholder(tf.float32, [None, 1], name="yt")
    h = tf.layers.dense(x, 4, activation=tf.nn.relu)
    y = tf.identity(tf.layers.dense(h, 1), name="y")
    loss = tf.reduce_mean((y - yt) ** 2, name="loss")
    gs = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(0.05).minimize(loss, global_step=gs)
    tf.add_to_collection("train_op", train)
    tf.add_to_collection("outputs", y)
    tf.add_to_collection("lr", 0.5)
    xs = np.random.RandomState(0).rand(16, 3).astype(np.float32)
    ys = xs.sum(1, keepdims=True)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for _ in range(3):
            s.run(train, {x: xs, yt: ys})
        path = tf.train.Saver().save(s, sys.argv[1] + "/model", global_step=gs)
        s.run(train, {x: xs, yt: ys})
        after = s.run(y, {x: xs[:2]})
        s.run(tf.global_variables_initializer())
        tf.train.Saver().restore(s, path)
        print(json.dumps([path, s.run(y, {x: xs[:2]}).ravel().tolist(),
                          after.ravel().tolist()]))
""")

_LOAD = textwrap.dedent("""
    import json, sys
    import numpy as np
    import trainkit as tf
    path = sys.argv[1]
    saver = tf.train.import_meta_graph(path + ".meta")
    g = tf.get_default_graph()
    xs = np.random.RandomState(0).rand(16, 3).astype(np.float32)
    ys = xs.sum(1, keepdims=True)
    with tf.Session() as s:
        saver.restore(s, path)
        x, y = g.get_tensor_by_name("x:0"), g.get_tensor_by_name("y:0")
        out = s.run(y, {x: xs[:2]}).ravel().tolist()
        step = int(s.run(tf.train.get_global_step()))
        s.run(tf.get_collection("train_op")[0], {x: xs, "yt:0": ys})
        print(json.dumps({"y": out, "step": step, "after": s.run(y, {x: xs[:2]}).ravel().tolist(),
              "outputs": [t.name for t in tf.get_collection("outputs")],
              "lr": tf.get_collection("lr"),
              "trainable": [v.name for v in tf.trainable_variables()],
              "new_step": int(s.run(tf.train.get_global_step()))}))
""")


def test_tf1_restore_idiom_in_a_fresh_process(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    train = subprocess.run([sys.executable, "-c", _TRAIN, str(tmp_path)], env=env,
                           capture_output=True, text=True, check=True)
    path, restored, after_extra_step = json.loads(train.stdout)
    load = subprocess.run([sys.executable, "-c", _LOAD, path], env=env, capture_output=True,
                          text=True, check=True)
    got = json.loads(load.stdout)
    assert got["y"] == pytest.approx(restored, rel=1e-6)
    assert got["step"] == 3 and got["new_step"] == 4
    # One more step (Adam slots and beta powers restored) continues the original run.
    assert got["after"] == pytest.approx(after_extra_step, rel=1e-5)
    assert got["outputs"] == ["y:0"] and got["lr"] == [0.5]
    assert got["trainable"] == ["dense/kernel:0", "dense/bias:0", "dense_1/kernel:0",
                                "dense_1/bias:0"]


def test_meta_graph_proto_contents_and_old_json_meta(tmp_path):
    x, y = _model()
    tk.train.get_or_create_global_step()
    tk.add_to_collection("names", "a")
    meta = tk.train.export_meta_graph(str(tmp_path / "m.meta"))
    again = read_meta_graph_file(str(tmp_path / "m.meta"))
    assert again == meta
    assert list(meta.collection_def["names"].bytes_list.value) == [b"a"]
    vd = protos().VariableDef.FromString(meta.collection_def["global_step"].bytes_list.value[0])
    assert (vd.variable_name, vd.snapshot_name) == ("global_step:0", "global_step/read:0")
    old = tmp_path / "old.meta"
    old.write_text(json.dumps({"format": "trainkit-checkpoint-meta", "meta": {}}))
    with pytest.raises(ValueError, match="older trainkit"):
        tk.train.import_meta_graph(str(old))
    with pytest.raises(ValueError, match="not a MetaGraphDef"):
        (tmp_path / "junk.meta").write_bytes(b"\xff\xfe garbage")
        tk.train.import_meta_graph(str(tmp_path / "junk.meta"))


def test_import_meta_graph_into_a_scope_restores_by_original_names(tmp_path):
    v = tk.Variable([1.0, 2.0], name="v")
    out = tk.identity(v * 3.0, name="out")
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        sess.run(v.assign([5.0, 6.0]))
        path = tk.train.Saver().save(sess, str(tmp_path / "m"))
    del out
    with tk.Graph().as_default() as g:
        saver = tk.train.import_meta_graph(path + ".meta", import_scope="tower")
        with tk.Session() as sess:
            saver.restore(sess, path)
            assert sess.run(g.get_tensor_by_name("tower/out:0")).tolist() == [15.0, 18.0]
        assert [x.op.name for x in tk.global_variables()] == ["tower/v"]


def test_import_meta_graph_keeps_tuple_attrs(tmp_path):
    """``AttrValue`` stores a tuple as a list; a reduction's ``axis`` must come back a
    tuple (NumPy's ``axis=`` refuses a list), as in a batch-norm model re-imported by
    Hands-On ML ch. 11's transfer-learning exercise. Values by hand: column means,
    total, column maxima of [[1, 2, 3], [3, 4, 5]]."""
    x = tk.placeholder(tk.float32, [None, 3], name="x")
    tk.reduce_mean(x, axis=[0], name="m")
    tk.reduce_sum(x, axis=[0, 1], name="s")
    tk.reduce_max(x, axis=0, keepdims=True, name="mx")
    tk.Variable(0.0, name="v")
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        path = tk.train.Saver().save(sess, str(tmp_path / "m"))
    with tk.Graph().as_default() as g:
        tk.train.import_meta_graph(path + ".meta")
        assert g.get_operation_by_name("m").attrs["axis"] == (0,)
        with tk.Session() as sess:
            m, s, mx = sess.run(["m:0", "s:0", "mx:0"], {"x:0": [[1, 2, 3], [3, 4, 5]]})
    assert m.tolist() == [2.0, 3.0, 4.0] and s == 18.0 and mx.tolist() == [[3.0, 4.0, 5.0]]
