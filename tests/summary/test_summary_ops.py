"""Summary ops in the graph: TF1 tags, collections, merging, and errors at build and run
time."""

from __future__ import annotations

import numpy as np
import pytest
from tensorboardX.proto.summary_pb2 import Summary

import trainkit as tk
from trainkit.summary import summary_ops


def run(t, feed=None):
    with tk.Session() as sess:
        return sess.run(t, feed)


def values(serialized):
    return {v.tag: v for v in Summary.FromString(serialized).value}


def test_scalar_op_returns_serialized_summary_and_joins_collection():
    loss = tk.constant(0.5, name="loss_value")
    s = tk.summary.scalar("loss", loss)
    assert s.dtype is tk.string and s.shape.as_list() == [] and s.op.type == "ScalarSummary"
    assert tk.get_collection(tk.GraphKeys.SUMMARIES) == [s]
    out = run(s)
    assert isinstance(out, bytes)
    assert values(out)["loss"].simple_value == 0.5


def test_tag_is_the_uniquified_op_name_ignoring_case():
    c = tk.constant(1.0)  # op 'Const'
    s = tk.summary.scalar("const", c)
    assert s.op.name == "const_1"
    assert list(values(run(s))) == ["const_1"]
    with tk.name_scope("dense"):
        k = tk.constant(np.ones(3, np.float32), name="kernel")
        h = tk.summary.histogram("kernel", k)
    assert h.op.name == "dense/kernel_1" and list(values(run(h))) == ["dense/kernel_1"]


def test_family_prefixes_op_name_and_tag_like_tf1():
    s = tk.summary.scalar("loss", tk.constant(1.0), family="train")
    assert s.op.name == "train/loss"
    assert list(values(run(s))) == ["train/train/loss"]


def test_collections_argument_replaces_default():
    s = tk.summary.scalar("x", tk.constant(1.0), collections=["mine"])
    assert tk.get_collection("mine") == [s]
    assert tk.get_collection(tk.GraphKeys.SUMMARIES) == []
    assert tk.summary.merge_all() is None
    assert tk.summary.merge_all(key="mine") is not None


def test_merge_all_merges_every_kind():
    tk.summary.scalar("s", tk.constant(2.0))
    tk.summary.histogram("h", tk.constant([1.0, 2.0, 2.0]))
    tk.summary.image("im", tk.constant(np.zeros((2, 3, 4, 1), np.uint8)), max_outputs=5)
    tk.summary.audio("au", tk.constant(np.zeros((1, 20), np.float32)), 8000)
    tk.summary.text("tx", tk.constant("hello *world*"))
    merged = tk.summary.merge_all()
    assert merged.op.name == "Merge/MergeSummary" and merged.op.type == "MergeSummary"
    v = values(run(merged))
    assert sorted(v) == ["au/audio/0", "h", "im/image/0", "im/image/1", "s", "tx"]
    assert v["s"].simple_value == 2.0
    assert v["h"].histo.num == 3 and sum(v["h"].histo.bucket) == 3
    assert v["im/image/1"].image.width == 4 and v["im/image/1"].image.height == 3
    assert v["au/audio/0"].audio.sample_rate == 8000 and v["au/audio/0"].audio.length_frames == 20
    assert list(v["tx"].tensor.string_val) == [b"hello *world*"]


def test_merge_all_returns_none_without_summaries_and_filters_by_scope():
    assert tk.summary.merge_all() is None
    with tk.name_scope("train"):
        tk.summary.scalar("a", tk.constant(1.0))
    tk.summary.scalar("b", tk.constant(2.0))
    assert list(values(run(tk.summary.merge_all(scope="train")))) == ["train/a"]


def test_merge_with_name_and_collections():
    a = tk.summary.scalar("a", tk.constant(1.0))
    m = tk.summary.merge([a], collections=["merged"], name="mine")
    assert m.op.name == "mine/mine" and tk.get_collection("merged") == [m]
    nested = tk.summary.merge([m, tk.summary.scalar("b", tk.constant(3.0))])
    assert sorted(values(run(nested))) == ["a", "b"]


def test_merge_of_duplicate_tags_fails_when_run():
    a = tk.summary.scalar("a", tk.constant(1.0))
    m = tk.summary.merge([a, a])
    with pytest.raises(tk.errors.InvalidArgumentError, match="Duplicate tag a found"):
        run(m)


def test_merge_rejects_bad_inputs():
    with pytest.raises(ValueError, match="summary.merge needs at least one input"):
        tk.summary.merge([])
    with pytest.raises(TypeError, match=r"inputs\[0\] \(Const:0\) must be a string tensor"):
        tk.summary.merge([tk.constant(1.0)])


def test_scalar_fed_through_placeholder_and_wrong_shape_at_run_time():
    x = tk.placeholder(tk.float32)
    s = tk.summary.scalar("x", x)
    assert values(run(s, {x: 4.0}))["x"].simple_value == 4.0
    with pytest.raises(tk.errors.InvalidArgumentError, match=r"\[\] != \[2\] \(tag 'x'\)"):
        run(s, {x: [1.0, 2.0]})


def test_histogram_with_nan_fails_when_run():
    x = tk.placeholder(tk.float32, shape=[None])
    h = tk.summary.histogram("weights", x)
    with pytest.raises(tk.errors.InvalidArgumentError,
                       match="Nan in summary histogram for: weights"):
        run(h, {x: [1.0, np.nan]})


def test_build_time_type_and_shape_errors():
    with pytest.raises(TypeError, match=r"summary.scalar 'x': tensor Const:0 has dtype string"):
        tk.summary.scalar("x", tk.constant("a"))
    with pytest.raises(ValueError, match=r"summary.scalar 'v': tensor .* must have rank 0, "
                                         r"got shape \(2,\)"):
        tk.summary.scalar("v", tk.constant([1.0, 2.0]))
    with pytest.raises(TypeError, match="summary.histogram 'b'.*dtype bool"):
        tk.summary.histogram("b", tk.constant([True]))
    with pytest.raises(ValueError, match="summary.image 'i'.*must have rank 4"):
        tk.summary.image("i", tk.constant(np.zeros((2, 2, 3), np.uint8)))
    with pytest.raises(ValueError, match="summary.image 'i'.*must have 1, 3 or 4 channels"):
        tk.summary.image("i", tk.constant(np.zeros((1, 2, 2, 2), np.uint8)))
    with pytest.raises(TypeError, match="summary.image 'i'.*dtype int32"):
        tk.summary.image("i", tk.constant(np.zeros((1, 2, 2, 1), np.int32)))
    with pytest.raises(ValueError, match="summary.image max_outputs must be an int >= 1, got 0"):
        tk.summary.image("i", tk.constant(np.zeros((1, 2, 2, 1), np.uint8)), max_outputs=0)
    with pytest.raises(ValueError, match="summary.audio 'a'.*must have rank 2 or 3"):
        tk.summary.audio("a", tk.constant(np.zeros(4, np.float32)), 100)
    with pytest.raises(ValueError, match="Expected tensor num:0 to have dtype string, "
                                         "got float32"):
        tk.summary.text("t", tk.constant(1.0, name="num"))
    with pytest.raises(TypeError, match="summary.scalar name must be a str, got 3"):
        tk.summary.scalar(3, tk.constant(1.0))
    with pytest.raises(ValueError, match="summary.scalar needs a non-empty name"):
        tk.summary.scalar("", tk.constant(1.0))


def test_python_values_are_converted_in_the_summary_scope():
    s = tk.summary.scalar("lr", 0.1)
    # TF 2.21: the tag is operand 0 (``lr/tags``), the value ``lr/values``
    assert [i.op.name for i in s.op.inputs] == ["lr/tags", "lr/values"]
    assert values(run(s))["lr"].simple_value == pytest.approx(0.1)


def test_image_float_batch_through_the_graph():
    img = np.zeros((1, 1, 2, 3), np.float32)
    img[0, 0, 1] = [0.5, 1.0, 0.0]
    s = tk.summary.image("pic", tk.constant(img), max_outputs=1)
    enc = values(run(s))["pic/image"].image
    assert (enc.height, enc.width, enc.colorspace) == (1, 2, 3)
    assert enc.encoded_image_string[:8] == b"\x89PNG\r\n\x1a\n"


def test_summary_ops_are_not_differentiable():
    from trainkit.framework import registry

    s = summary_ops.scalar("g", tk.constant(1.0))
    assert registry.get_gradient_function(s.op) is None
