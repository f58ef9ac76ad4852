"""Tests for trainkit.training.checkpoint_reader: reading checkpoints by name."""

from __future__ import annotations

import os
import zlib

import numpy as np
import pytest

from trainkit import errors
from trainkit.framework import dtypes
from trainkit.training import checkpoint_format as cf
from trainkit.training import checkpoint_management as cm
from trainkit.training import checkpoint_reader as cr


@pytest.fixture
def ckpt(tmp_path):
    prefix = str(tmp_path / "model.ckpt-3")
    cf.write_checkpoint(prefix, {
        "dense/kernel": np.arange(6, dtype=np.float32).reshape(2, 3),
        "global_step": np.int64(3),
        "names": np.array([b"a", b"bc"], dtype=object),
    })
    cm.update_checkpoint_state(str(tmp_path), prefix)
    return prefix


def test_reader_maps_and_tensors(ckpt):
    reader = cr.NewCheckpointReader(ckpt)
    assert reader.get_variable_to_shape_map() == {
        "dense/kernel": [2, 3], "global_step": [], "names": [2]}
    assert reader.get_variable_to_dtype_map() == {
        "dense/kernel": dtypes.float32, "global_step": dtypes.int64, "names": dtypes.string}
    assert reader.has_tensor("global_step") and not reader.has_tensor("global_step:0")
    np.testing.assert_array_equal(reader.get_tensor("dense/kernel"),
                                  [[0, 1, 2], [3, 4, 5]])
    assert reader.get_tensor("global_step") == 3
    assert reader.get_tensor("names").tolist() == [b"a", b"bc"]
    assert reader.debug_string() == (b"dense/kernel (DT_FLOAT) [2,3]\n"
                                     b"global_step (DT_INT64) []\n"
                                     b"names (DT_STRING) [2]\n")


def test_missing_key_is_not_found_naming_it(ckpt):
    with pytest.raises(errors.NotFoundError, match="Key dense/bias not found in checkpoint"):
        cr.NewCheckpointReader(ckpt).get_tensor("dense/bias")
    with pytest.raises(errors.NotFoundError, match="Key nope not found"):
        cr.load_variable(ckpt, "nope")


def test_directory_or_prefix(ckpt, tmp_path):
    expected = [("dense/kernel", [2, 3]), ("global_step", []), ("names", [2])]
    assert cr.list_variables(ckpt) == expected
    assert cr.list_variables(str(tmp_path)) == expected
    assert cr.NewCheckpointReader(str(tmp_path)).prefix == ckpt
    assert cr.load_variable(str(tmp_path), "global_step:0") == 3


def test_non_checkpoints(tmp_path):
    with pytest.raises(errors.NotFoundError, match="Failed to find any matching files for"):
        cr.NewCheckpointReader(str(tmp_path / "nothing"))
    with pytest.raises(ValueError, match="Couldn't find 'checkpoint' file or checkpoints"):
        cr.list_variables(str(tmp_path))
    with pytest.raises(ValueError, match="Couldn't find 'checkpoint' file or checkpoints"):
        cr.describe_checkpoint(str(tmp_path))


def test_corrupt_tensor_is_data_loss_on_read(ckpt):
    entry = cf.read_index(ckpt).entries["dense/kernel"]
    with open(ckpt + ".data-00000-of-00001", "r+b") as f:
        f.seek(entry.offset)
        f.write(b"\xff")
    reader = cr.NewCheckpointReader(ckpt)  # index alone is fine
    assert reader.get_tensor("global_step") == 3
    with pytest.raises(errors.DataLossError, match="tensor 'dense/kernel'"):
        reader.get_tensor("dense/kernel")
    with pytest.raises(errors.DataLossError, match="tensor 'dense/kernel'"):
        cr.describe_checkpoint(ckpt)
    assert len(cr.describe_checkpoint(ckpt, verify=False)) == 3


def test_describe_checkpoint_rows(ckpt, tmp_path):
    kernel = np.arange(6, dtype=np.float32).tobytes()
    step = (3).to_bytes(8, "little")
    names = (1).to_bytes(8, "little") + b"a" + (2).to_bytes(8, "little") + b"bc"
    rows = cr.describe_checkpoint(str(tmp_path))
    assert rows == [
        {"name": "dense/kernel", "dtype": "float32", "shape": [2, 3], "nbytes": 24,
         "checksum": f"crc32:{zlib.crc32(kernel):08x}"},
        {"name": "global_step", "dtype": "int64", "shape": [], "nbytes": 8,
         "checksum": f"crc32:{zlib.crc32(step):08x}"},
        {"name": "names", "dtype": "string", "shape": [2], "nbytes": 19,
         "checksum": f"crc32:{zlib.crc32(names):08x}"},
    ]
    assert os.path.basename(cr.resolve_checkpoint(str(tmp_path))) == "model.ckpt-3"
