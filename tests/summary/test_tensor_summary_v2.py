"""``tk.summary.tensor_summary``: the serialized ``Summary`` is byte for byte TF 2.21's
(``tf.compat.v1.summary.tensor_summary`` run on the same inputs; the hex strings below
were recorded from TF 2.21.0), and TensorBoard's own ``EventAccumulator`` reads it back."""

from __future__ import annotations

import numpy as np
import pytest
from tensorboardX.proto.summary_pb2 import SummaryMetadata

import trainkit as tk

ea = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
tb_tensor_util = pytest.importorskip("tensorboard.util.tensor_util")


def _run(t):
    with tk.Session() as sess:
        return sess.run(t)


def _custom_metadata():
    md = SummaryMetadata(summary_description="Y")
    md.plugin_data.plugin_name = "custom"
    md.plugin_data.content = b"\x01\x02"
    return md


S = tk.summary
CASES = {
    "float_matrix": (lambda: S.tensor_summary("t", tk.constant([[1.5, 2.0]], tk.float32)),
                     "t", "0a1d0a0174421608011208120208011202080222080000c03f000000404a00"),
    "int64_described": (
        lambda: S.tensor_summary("t", tk.constant(3, tk.int64), summary_description="desc",
                                 display_name="Disp"),
        "t_1", "0a230a03745f31420e08091200220803000000000000004a0c1204446973701a0464657363"),
    "strings_family": (
        lambda: S.tensor_summary("t", tk.constant(["a", "b\u00e9"]), family="fam"),
        "fam/t", "0a1f0a0966616d2f66616d2f7442100807120412020802420161420362c3a94a00"),
    "bool_cleaned_tag": (lambda: S.tensor_summary("t b", [True, False]),
                         "t_b", "0a150a03745f62420c080a120412020802220201004a00"),
    "plugin_metadata": (
        lambda: S.tensor_summary("m", tk.constant(1.0, tk.float64),
                                 summary_metadata=_custom_metadata(), display_name="D"),
        "m", "0a290a016d420e080212002208000000000000f03f4a140a0c0a06637573746f6d120201021201"
             "441a0159"),
    "half": (lambda: S.tensor_summary("h", np.array([1, 2], np.float16)),
             "h", "0a150a0168420e08131204120208022204003c00404a00"),
    "uint8": (lambda: S.tensor_summary("u8", np.array([[1, 2]], np.uint8)),
              "u8", "0a180a0275384210080412081202080112020802220201024a00"),
    "int32": (lambda: S.tensor_summary("i32", np.array([[1, -2]], np.int32)),
              "i32", "0a1f0a036933324216080312081202080112020802220801000000feffffff4a00"),
    "empty": (lambda: S.tensor_summary("e", np.zeros([2, 0], np.float32)),
              "e", "0a110a0165420a080112061202080212004a00"),
    "zeros": (lambda: S.tensor_summary("z", np.zeros([3], np.float32)),
              "z", "0a1d0a017a42160801120412020803220c0000000000000000000000004a00"),
    "complex": (lambda: S.tensor_summary("c", np.array([1 + 2j], np.complex64)),
                "c", "0a190a01634212080812041202080122080000803f000000404a00"),
    "text": (lambda: S.text("tx", tk.constant([["a"], ["b"]])),
             "tx", "0a220a02747842120807120812020802120208014201614201624a080a060a0474657874"),
}


@pytest.mark.parametrize("name", CASES)
def test_serialized_summary_equals_tf(name):
    build, op_name, want = CASES[name]
    if name == "int64_described":
        S.tensor_summary("t", 0.0)  # TF recorded it second in one graph: tag t_1
    t = build()
    assert t.op.name == op_name and t.op.type == "TensorSummaryV2"
    assert [i.op.name.split("/")[-1] for i in t.op.inputs][::2] == \
        ["tag", "serialized_summary_metadata"]
    assert _run(t).hex() == want


def test_collections_and_merge():
    a = S.tensor_summary("a", [1, 2])
    c = S.tensor_summary("c", 1.0, collections=["mine"])
    assert tk.get_collection(tk.GraphKeys.SUMMARIES) == [a]
    assert tk.get_collection("mine") == [c]
    merged = S.merge([a, c])
    assert len(tk.summary.Summary.FromString(_run(merged)).value) == 2


def test_tensorboard_reads_tensor_summaries(tmp_path):
    x = tk.placeholder(tk.float32, [None, 2])
    S.tensor_summary("weights", x, summary_description="the weights", display_name="W")
    S.tensor_summary("words", tk.constant(["x", "y\u00e9"]))
    merged = S.merge_all()
    feeds = [np.array([[1.0, 2.0]], np.float32), np.array([[3.0, 4.0], [5.0, 6.5]], np.float32)]
    with tk.Session() as sess, tk.summary.FileWriter(tmp_path) as w:
        for step, v in enumerate(feeds):
            w.add_summary(sess.run(merged, {x: v}), global_step=step)
    acc = ea.EventAccumulator(str(tmp_path), size_guidance={ea.TENSORS: 0})
    acc.Reload()
    events = acc.Tensors("weights")
    assert [e.step for e in events] == [0, 1]
    for e, v in zip(events, feeds, strict=True):
        np.testing.assert_array_equal(tb_tensor_util.make_ndarray(e.tensor_proto), v)
    meta = acc.SummaryMetadata("weights")
    assert (meta.display_name, meta.summary_description) == ("W", "the weights")
    words = tb_tensor_util.make_ndarray(acc.Tensors("words")[0].tensor_proto)
    assert words.tolist() == [b"x", "y\u00e9".encode()]


def test_metadata_argument_is_not_changed():
    md = _custom_metadata()
    S.tensor_summary("m", 1.0, summary_metadata=md, display_name="D")
    assert md.display_name == ""


def test_not_differentiable():
    from trainkit.framework import registry

    s = S.tensor_summary("s", tk.constant([1.0, 2.0]))
    assert registry.get_op_def(s.op.type).not_differentiable


@pytest.mark.parametrize("kwargs, error, match", [
    ({"name": 3, "tensor": 1.0}, TypeError, "name must be a str"),
    ({"name": "", "tensor": 1.0}, ValueError, "needs a non-empty name"),
    ({"name": "x", "tensor": 1.0, "summary_metadata": "notproto"}, TypeError,
     "summary_metadata must be a SummaryMetadata proto or None, got str"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        S.tensor_summary(**kwargs)
