"""``tf.train.warm_start``: the selected variables' initializers read the checkpoint, as
TF 2.21 ``tf.compat.v1`` did for the same graphs (values and error types below)."""

from __future__ import annotations

import os

import numpy as np
import pytest

import trainkit as tk


@pytest.fixture()
def ckpt_dir(tmp_path):
    with tk.Graph().as_default():
        tk.get_variable("dnn/w", initializer=np.arange(6, dtype=np.float32).reshape(2, 3))
        tk.get_variable("dnn/b", initializer=np.ones(3, np.float32))
        tk.get_variable("head/w", initializer=np.full((3,), 7.0, np.float32))
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            tk.train.Saver().save(s, os.path.join(str(tmp_path), "m"))
    return str(tmp_path)


def _fresh(fn):
    with tk.Graph().as_default():
        vs = [tk.get_variable(n, shape=s, initializer=tk.zeros_initializer())
              for n, s in (("dnn/w", [2, 3]), ("dnn/b", [3]), ("head/w2", [3]))]
        fn()
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            return [s.run(v).tolist() for v in vs]


def test_regex_and_renames(ckpt_dir):
    assert _fresh(lambda: tk.train.warm_start(ckpt_dir, "dnn/.*")) == [
        [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], [1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]
    got = _fresh(lambda: tk.train.warm_start(
        os.path.join(ckpt_dir, "m"), ["head/w2"],
        var_name_to_prev_var_name={"head/w2": "head/w"}))
    assert got == [[[0.0] * 3] * 2, [0.0] * 3, [7.0] * 3]
    assert _fresh(lambda: tk.train.warm_start(ckpt_dir, None))[0] == [[0.0] * 3] * 2


def test_errors(ckpt_dir):
    with pytest.raises(ValueError, match="not used"):
        _fresh(lambda: tk.train.warm_start(ckpt_dir, "dnn/w",
                                           var_name_to_prev_var_name={"nope": "x"}))
    with pytest.raises(ValueError, match="not found"):
        _fresh(lambda: tk.train.warm_start(ckpt_dir, ["head/w2"]))
    with pytest.raises(ValueError, match="MUST be set"):
        tk.train.warm_start("")
    with pytest.raises(ValueError, match="not supported"):
        tk.train.warm_start(ckpt_dir, var_name_to_vocab_info={"a": object()})
