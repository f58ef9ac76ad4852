"""What TensorBoard itself reads from the event files of TensorFlow's
``mnist_with_summaries.py`` tutorial run under trainkit (the compat program
``programs/mnist_with_summaries.py``): its ``EventAccumulator`` over the train and test
runs, checked against the tags and values TF 2.21 wrote for the same program (recorded
in ``programs/tf_reference.json`` by reading TF's files with ``summary_iterator``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import trainkit as tk
from tests.compat.programs import mnist_with_summaries

ea = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")

TF = json.loads((Path(__file__).parent / "programs" / "tf_reference.json").read_text())[
    "programs"]["mnist_with_summaries"]


def _accumulate(run_dir):
    acc = ea.EventAccumulator(str(run_dir), size_guidance={k: 0 for k in
                                                          ea.DEFAULT_SIZE_GUIDANCE})
    acc.Reload()
    return acc


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("mnist_logs")
    with tk.Graph().as_default():
        mnist_with_summaries.main(tk, log_dir=str(log_dir))
    return _accumulate(log_dir / "train"), _accumulate(log_dir / "test")


def test_tensorboard_sees_tf_tags_in_both_runs(runs):
    train, test = runs
    tf_train_tags, _, tf_test_tags, tf_test_steps = TF["runs"]
    for acc, tf_tags in ((train, tf_train_tags), (test, tf_test_tags)):
        tags = acc.Tags()
        seen = set(tags["scalars"]) | set(tags["histograms"]) | set(tags["images"])
        assert seen == set(tf_tags)
        assert len(tags["images"]) == 10 and len(tags["histograms"]) == 8
    assert [e.step for e in test.Scalars("accuracy_1")] == tf_test_steps


def test_tensorboard_reads_tf_values(runs):
    train, test = runs
    # rel 3e-6 / abs 3e-5: NumPy's OpenBLAS on AVX-512 kernels instead of AVX2 ones rounds the
    # products otherwise (3.9e-7 and 1.2e-5 measured).
    assert test.Scalars("cross_entropy_1")[-1].value == pytest.approx(
        TF["test_cross_entropy"], rel=3e-6)
    assert train.Scalars("layer1/weights/summaries/stddev_1")[-1].value == pytest.approx(
        TF["layer1_weights_stddev"], rel=1e-6)
    assert len(train.Scalars("cross_entropy_1")) == TF["runs"][1]
    histo = train.Histograms("layer2/activations")[-1].histogram_value
    assert histo.num == 100 * 10
    assert histo.sum / 1000.0 == pytest.approx(TF["layer2_activations_histogram"], abs=3e-5)
    image = test.Images("input_reshape/input/image/0")[-1]
    assert (image.height, image.width) == tuple(TF["image_sizes"][0])


def test_tensorboard_reads_graph_and_run_metadata(runs):
    train, test = runs
    assert train.Tags()["graph"] and not test.Tags()["graph"]
    assert train.Tags()["run_metadata"] == TF["run_metadata_tags"] == ["step099"]
    stats = train.RunMetadata("step099").step_stats
    assert any("Adam" in n.node_name for d in stats.dev_stats for n in d.node_stats)
    names = {node.name for node in train.Graph().node}
    assert {"input/x-input", "layer1/weights/Variable", "train/Adam"} <= names
