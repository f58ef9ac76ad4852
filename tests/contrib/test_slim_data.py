"""``tk.contrib.slim``'s data pipeline against TF 2.21 + tf_slim 1.1.0: the cases of
``slim_data_cases.py`` against ``slim_data_reference.json`` (recorded by
``make_slim_reference.py slim_data``), and the pipeline's typed errors (TF's messages)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import trainkit as tk
from tests.contrib import slim_data_cases
from tests.contrib.test_slim_reference import assert_same

REFERENCE = json.loads((Path(__file__).parent / "slim_data_reference.json").read_text())
slim = tk.contrib.slim


@pytest.mark.parametrize("case", slim_data_cases.CASES, ids=lambda c: c.__name__)
def test_matches_tf_slim(case):
    assert_same(case(tk, slim), REFERENCE[case.__name__], case.__name__)


def test_handler_and_decoder_errors():
    td = slim.tfexample_decoder
    with pytest.raises(ValueError, match="^BoundingBox expects 4 keys but got 3$"):
        td.BoundingBox(["a", "b", "c"])
    with pytest.raises(ValueError, match="Cannot specify both shape_keys and shape"):
        td.Tensor("x", shape_keys="s", shape=[2])
    with pytest.raises(ValueError, match="Backup handler is of type"):
        td.BackupHandler(td.Tensor("x"), "y")
    with pytest.raises(TypeError):
        td.ItemHandler("x")  # abstract: tensors_to_item is not defined
    assert td.Image().keys == ["image/encoded", "image/format"]
    assert td.SparseTensor(shape_key="s").keys == ["indices", "values", "s"]


def test_provider_and_reader_errors(tmp_path):
    provider = slim.data_provider.DataProvider({"a": 1}, num_samples=3)
    assert provider.get(("a",)) == [1] and provider.num_samples() == 3
    with pytest.raises(ValueError, match="^items must be a list or tuple$"):
        provider.get("a")
    with pytest.raises(ValueError, match=r"^Item \[b\] is invalid. Valid entries include"):
        provider.get(["b"])
    with pytest.raises(ValueError, match="No data files found in"):
        slim.parallel_reader.get_data_files([str(tmp_path / "*.rec")])
    (tmp_path / "b.rec").write_bytes(b"")
    (tmp_path / "a.rec").write_bytes(b"")
    files = slim.parallel_reader.get_data_files([str(tmp_path / "*.rec"), "plain"])
    assert [Path(f).name for f in files[:2]] == ["a.rec", "b.rec"] and files[2] == "plain"
    with tk.Graph().as_default():
        queue = tk.FIFOQueue(4, [tk.string, tk.int64])
        with pytest.raises(TypeError, match=r"common_queue.dtypes must be \[tf.string"):
            slim.parallel_reader.ParallelReader(tk.TFRecordReader, queue)
        decoder = slim.tfexample_decoder.TFExampleDecoder(
            {"k": tk.FixedLenFeature([], tk.int64)},
            {"record_key": slim.tfexample_decoder.Tensor("k")})
        dataset = slim.dataset.Dataset(str(tmp_path / "a.rec"), tk.TFRecordReader, decoder, 0,
                                       {})
        with pytest.raises(ValueError, match="`record_key` cannot also be used"):
            slim.dataset_data_provider.DatasetDataProvider(dataset, shuffle=False)


def test_queue_runners_cannot_nest():
    with tk.Graph().as_default(), tk.Session() as sess:
        with slim.queues.QueueRunners(sess):
            with pytest.raises(slim.queues.NestedQueueRunnerError), \
                    slim.queues.QueueRunners(sess):
                pass
        with slim.queues.QueueRunners(sess):  # released again
            pass
