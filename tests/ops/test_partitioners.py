"""The three TF1 partitioners and the shard arithmetic, against numbers recorded with TF
2.21 (``tf.compat.v1``; ``make_partitioned_reference.py``), plus their typed errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import trainkit as tk
from trainkit.ops.partitioners import (
    PartitionInfo,
    call_partitioner,
    iter_slices,
    slice_dim_and_count,
)

REF = json.loads((Path(__file__).parent / "partitioned_reference.json").read_text())


def test_fixed_size_partitioner_matches_tf():
    for shape, k, axis, want in REF["fixed"]:
        got = tk.fixed_size_partitioner(k, axis)(shape=tk.TensorShape(shape),
                                                  dtype=tk.float32)
        assert got == want, (shape, k, axis)


def test_min_max_variable_partitioner_matches_tf():
    assert len(REF["minmax"]) == 480
    for shape, dt, max_parts, axis, min_slice, want in REF["minmax"]:
        part = tk.min_max_variable_partitioner(max_parts, axis, min_slice)
        assert part(shape=tk.TensorShape(shape), dtype=tk.as_dtype(dt)) == want, \
            (shape, dt, max_parts, axis, min_slice)


def test_variable_axis_size_partitioner_matches_tf():
    assert len(REF["vasp"]) == 320
    for shape, dt, max_bytes, axis, max_shards, want in REF["vasp"]:
        part = tk.variable_axis_size_partitioner(max_bytes, axis, 16, max_shards)
        assert part(shape=tk.TensorShape(shape), dtype=tk.as_dtype(dt)) == want, \
            (shape, dt, max_bytes, axis, max_shards)


def test_shards_created_by_get_variable_match_tf():
    for i, (shape, parts, shards) in enumerate(REF["shards"]):
        v = tk.get_variable(f"v{i}", shape, partitioner=lambda shape, dtype, p=parts: p)
        got = [[s.name, s.shape.as_list(), s._save_slice_info.var_offset,
                s._save_slice_info.spec] for s in v]
        assert got == shards


@pytest.mark.parametrize("n", range(1, 23))
def test_iter_slices_gives_the_first_shards_the_extra_rows(n):
    for k in range(1, n + 1):
        sizes = [s[0] for _, s in iter_slices([n, 2], k, 0)]
        assert sum(sizes) == n and len(sizes) == k
        assert sizes == sorted(sizes, reverse=True) and sizes[0] - sizes[-1] <= 1
        offsets = [o[0] for o, _ in iter_slices([n, 2], k, 0)]
        assert offsets == [sum(sizes[:i]) for i in range(k)]


def test_slice_dim_and_count():
    assert slice_dim_and_count([1, 1]) == (0, 1)
    assert slice_dim_and_count([1, 4, 1]) == (1, 4)


@pytest.mark.parametrize("num_shards", [0, -1, 1.5, True])
def test_fixed_size_partitioner_rejects_bad_shard_counts(num_shards):
    with pytest.raises(ValueError, match="num_shards must be a positive integer"):
        tk.fixed_size_partitioner(num_shards)


def test_partitioner_axis_outside_the_shape_is_a_value_error():
    with pytest.raises(ValueError, match="along axis 2"):
        tk.fixed_size_partitioner(2, axis=2)(shape=tk.TensorShape([4, 2]))
    with pytest.raises(ValueError, match="Cannot partition variable along axis 3"):
        tk.min_max_variable_partitioner(2, axis=3)(shape=tk.TensorShape([4, 2]),
                                                    dtype=tk.float32)
    with pytest.raises(ValueError, match="along axis 5"):
        tk.variable_axis_size_partitioner(8, axis=5)(shape=tk.TensorShape([4, 2]),
                                                     dtype=tk.float32)
    # a negative axis counts from the end, as in TF
    assert tk.fixed_size_partitioner(2, axis=-1)(shape=tk.TensorShape([4, 6])) == [1, 2]


def test_variable_axis_size_partitioner_argument_errors():
    with pytest.raises(ValueError, match="must be positive"):
        tk.variable_axis_size_partitioner(0)
    with pytest.raises(ValueError, match="must be positive"):
        tk.variable_axis_size_partitioner(10, bytes_per_string_element=0)
    with pytest.raises(ValueError, match="max_shards must be positive"):
        tk.variable_axis_size_partitioner(10, max_shards=-1)
    with pytest.raises(ValueError, match="not fully defined"):
        tk.variable_axis_size_partitioner(10)(shape=tk.TensorShape([None, 2]),
                                              dtype=tk.float32)


def test_call_partitioner_checks_results_like_tf():
    shape = tk.TensorShape([4, 2])
    with pytest.raises(ValueError, match="does not match the Variable's rank"):
        call_partitioner(lambda shape, dtype: [2], shape, tk.float32, "v")
    with pytest.raises(ValueError, match="zero partitions"):
        call_partitioner(lambda shape, dtype: [0, 1], shape, tk.float32, "v")
    with pytest.raises(ValueError, match="only slice a variable along one dimension"):
        call_partitioner(lambda shape, dtype: [2, 2], shape, tk.float32, "v")
    with pytest.raises(ValueError, match="must return a sequence"):
        call_partitioner(lambda shape, dtype: 2, shape, tk.float32, "v")
    with pytest.raises(ValueError, match="must be fully defined"):
        call_partitioner(lambda shape, dtype: [2, 1], tk.TensorShape([None, 2]),
                         tk.float32, "v")
    with pytest.raises(ValueError, match="rank at least 1"):
        call_partitioner(lambda shape, dtype: [], tk.TensorShape([]), tk.float32, "v")


def test_partition_info():
    info = PartitionInfo([10, 4], [4, 0])
    assert info.full_shape == [10, 4] and info.var_offset == [4, 0]
    assert info.single_slice_dim([3, 4]) == 0 and info.single_offset([3, 4]) == 4
    assert PartitionInfo([10, 4], [0, 0]).single_slice_dim([10, 4]) is None
    with pytest.raises(TypeError, match="must be a sequence"):
        PartitionInfo((10, 4), 0)
    with pytest.raises(ValueError, match="Expected equal length"):
        PartitionInfo([10, 4], [0])
    with pytest.raises(ValueError, match="0 <= offset < shape"):
        PartitionInfo([10, 4], [10, 0])
    with pytest.raises(ValueError, match="would exceed"):
        info.single_slice_dim([7, 4])
    with pytest.raises(ValueError, match="either dimension"):
        PartitionInfo([10, 4], [0, 0]).single_slice_dim([3, 2])
