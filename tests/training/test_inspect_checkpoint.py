"""``print_tensors_in_checkpoint_file``: its printout matches TF 2.21's
``tensorflow.python.tools.inspect_checkpoint`` for the same checkpoint (recorded with
TF 2.21 from the same three variables)."""

from __future__ import annotations

import numpy as np

import trainkit as tk
from trainkit.training.inspect_checkpoint import print_tensors_in_checkpoint_file


def _checkpoint(tmp_path):
    tk.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="layer/kernel")
    tk.Variable(np.int64(7), name="step")
    tk.Variable([1.5, 2.5], dtype=tk.float64, name="bias")
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        return tk.train.Saver().save(sess, str(tmp_path / "m"))


def test_all_tensors_one_tensor_and_debug_string(tmp_path, capsys):
    prefix = _checkpoint(tmp_path)
    print_tensors_in_checkpoint_file(prefix, "", all_tensors=True)
    assert capsys.readouterr().out.splitlines() == [
        "tensor: bias (float64) [2]", "[1.5 2.5]",
        "tensor: layer/kernel (float32) [2, 3]", "[[0. 1. 2.]", " [3. 4. 5.]]",
        "tensor: step (int64) []", "7", "# Total number of params: 9"]
    print_tensors_in_checkpoint_file(prefix, "", all_tensors=False)
    assert capsys.readouterr().out.splitlines() == [
        "bias (DT_DOUBLE) [2]", "layer/kernel (DT_FLOAT) [2,3]", "step (DT_INT64) []", "",
        "# Total number of params: 9"]
    print_tensors_in_checkpoint_file(prefix, "layer/kernel", all_tensors=False,
                                     count_exclude_pattern="^layer/")
    assert capsys.readouterr().out.splitlines() == [
        "tensor: layer/kernel (float32) [2, 3]", "[[0. 1. 2.]", " [3. 4. 5.]]",
        "# Excluding 1 tensors (6 params) that match ^layer/ when counting.",
        "# Total number of params: 3"]
    print_tensors_in_checkpoint_file(prefix, "", all_tensors=False, all_tensor_names=True)
    assert capsys.readouterr().out.splitlines()[:2] == [
        "tensor: bias (float64) [2]", "tensor: layer/kernel (float32) [2, 3]"]


def test_missing_tensor_and_missing_checkpoint_are_printed_not_raised(tmp_path, capsys):
    prefix = _checkpoint(tmp_path)
    print_tensors_in_checkpoint_file(prefix, "v3", all_tensors=False)
    assert capsys.readouterr().out == "Tensor v3 not found in checkpoint\n"
    print_tensors_in_checkpoint_file(str(tmp_path / "nothing"), "", all_tensors=True)
    out = capsys.readouterr().out
    assert "Failed to find any matching files for" in out and "nothing" in out
