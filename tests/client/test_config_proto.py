"""ConfigProto accepts every TF1 field, nested ones included, and rejects unknown ones
as protobuf does (field names and defaults checked against tensorflow 2.21's
``config_pb2`` descriptors; TF 1.15's fields are a subset)."""

from __future__ import annotations

import pytest

import trainkit as tf
from trainkit.client.config_proto import ConfigProto, RewriterConfig


def test_every_tf1_program_style_config_builds():
    config = tf.ConfigProto(
        allow_soft_placement=True, log_device_placement=False,
        device_count={"GPU": 0, "CPU": 1}, intra_op_parallelism_threads=2,
        inter_op_parallelism_threads=1, operation_timeout_in_ms=5000,
        use_per_session_threads=True,
        gpu_options=tf.GPUOptions(per_process_gpu_memory_fraction=0.4,
                                  visible_device_list="0,1"))
    config.gpu_options.allow_growth = True
    config.graph_options.optimizer_options.global_jit_level = tf.OptimizerOptions.ON_1
    config.graph_options.optimizer_options.opt_level = tf.OptimizerOptions.L0
    config.graph_options.rewrite_options.arithmetic_optimization = RewriterConfig.OFF
    config.device_count["XLA_CPU"] = 0
    config.device_filters.append("/job:worker")
    config.session_inter_op_thread_pool.add(num_threads=2)
    assert config.gpu_options.allow_growth is True
    assert config.gpu_options.per_process_gpu_memory_fraction == pytest.approx(0.4)
    assert config.gpu_options.visible_device_list == "0,1"
    assert config.graph_options.optimizer_options.global_jit_level == 1
    assert config.graph_options.optimizer_options.opt_level == -1
    assert config.device_count == {"GPU": 0, "CPU": 1, "XLA_CPU": 0}
    assert config.intra_op_parallelism_threads == 2
    assert config.session_inter_op_thread_pool[0].num_threads == 2
    assert config.operation_timeout_in_ms == 5000
    with tf.Session(config=config) as sess:  # a session accepts it
        assert sess.run(tf.constant(3.0) * 2.0) == 6.0


def test_defaults_match_protobuf():
    c = ConfigProto()
    assert (c.allow_soft_placement, c.log_device_placement) == (False, False)
    assert (c.intra_op_parallelism_threads, c.inter_op_parallelism_threads) == (0, 0)
    assert c.gpu_options.allow_growth is False
    assert c.gpu_options.visible_device_list == ""
    assert c.device_count == {}
    assert not c.HasField("gpu_options")
    c.gpu_options.allow_growth = True
    assert c.HasField("gpu_options")


def test_unknown_fields_raise_naming_the_field():
    with pytest.raises(ValueError, match='no "allow_growht" field'):
        ConfigProto(allow_growht=True)
    c = ConfigProto()
    with pytest.raises(AttributeError, match="allow_growht"):
        c.gpu_options.allow_growht = True
    with pytest.raises(AttributeError, match="nonsense"):
        c.nonsense  # noqa: B018 - reading an unknown field
    with pytest.raises(ValueError, match="alow"):
        tf.GPUOptions(alow_growth=True)


def test_wrong_types_and_composite_assignment_raise():
    c = ConfigProto()
    with pytest.raises(TypeError, match="intra_op_parallelism_threads"):
        c.intra_op_parallelism_threads = "4"
    with pytest.raises(TypeError, match="visible_device_list"):
        c.gpu_options.visible_device_list = 0
    with pytest.raises(AttributeError, match="composite"):
        c.gpu_options = tf.GPUOptions()
    with pytest.raises(TypeError):
        c.device_count["GPU"] = "zero"


def test_copy_merge_equality():
    a = ConfigProto(allow_soft_placement=True)
    a.gpu_options.allow_growth = True
    b = ConfigProto()
    b.CopyFrom(a)
    assert a == b and b.gpu_options.allow_growth
    b.gpu_options.allow_growth = False
    assert a != b
    b.MergeFrom(a)
    assert b.gpu_options.allow_growth
    b.ClearField("gpu_options")
    assert not b.gpu_options.allow_growth
    with pytest.raises(TypeError):
        b.CopyFrom(tf.GPUOptions())
    assert "allow_soft_placement: True" in repr(a)
