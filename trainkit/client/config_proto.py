"""``ConfigProto`` and its nested option messages, with every TF1 field.

TF1 programs build a session configuration as a protobuf message and pass it to
``Session(config=...)`` / ``MonitoredTrainingSession(config=...)``. These classes
accept the same fields (as keywords or attribute assignment, nested messages
included) and reject unknown ones the way protobuf does.

What the fields mean in trainkit (everything runs on the CPU, in one process):

- Read by trainkit: ``intra_op_parallelism_threads`` (BLAS threads,
  ``client/threads.py``) and ``inter_op_parallelism_threads`` (threads that may run
  independent heavy kernels of one step at once, ``client/inter_op.py``; negative: 1);
  0 = trainkit's default (1 for both),
  ``operation_timeout_in_ms`` (the default deadline of blocking ops such as a queue
  dequeue when ``RunOptions.timeout_in_ms`` is not given; 0 = wait forever).
- Accepted and ignored because they mean nothing on a CPU-only, single-process
  runtime: all of ``gpu_options`` and ``pluggable_device_options``
  (``allow_growth``, ``per_process_gpu_memory_fraction``, ``visible_device_list``,
  ...), ``device_count`` (there is one CPU device; a ``{'GPU': 0}`` entry is what a
  CPU run wants anyway), ``allow_soft_placement`` (every op is placed on the CPU, so
  placement is always "soft"), ``log_device_placement``, ``device_filters``,
  ``placement_period``, ``use_per_session_threads``,
  ``session_inter_op_thread_pool``, ``graph_options`` (trainkit compiles its own
  plans; there is no Grappler to tune), ``rpc_options``, ``cluster_def``,
  ``isolate_session_state``, ``share_cluster_devices_in_session`` and
  ``experimental``.

Example:
    >>> config = ConfigProto(allow_soft_placement=True, device_count={"GPU": 0})
    >>> config.gpu_options.allow_growth = True
    >>> config.gpu_options.allow_growth
    True
"""

from __future__ import annotations

from trainkit.client.proto_message import Message, mapping, message, repeated, scalar


class ThreadPoolOptionProto(Message):
    """One inter-op thread pool (``ConfigProto.session_inter_op_thread_pool``)."""

    FIELDS = {"num_threads": scalar("int"), "global_name": scalar("str")}


class VirtualDevices(Message):
    """``GPUOptions.Experimental.VirtualDevices`` (ignored on CPU)."""

    FIELDS = {"memory_limit_mb": repeated("float"), "priority": repeated("int"),
              "device_ordinal": repeated("int")}


class StreamMergeOptions(Message):
    """``GPUOptions.Experimental.StreamMergeOptions`` (ignored on CPU)."""

    FIELDS = {"merge_host_to_device_stream": scalar("bool"),
              "merge_device_to_host_stream": scalar("bool"),
              "merge_device_to_device_stream": scalar("bool")}


class GPUOptionsExperimental(Message):
    """``GPUOptions.Experimental`` (ignored on CPU)."""

    VirtualDevices = VirtualDevices
    FIELDS = {
        "virtual_devices": repeated(VirtualDevices),
        "num_virtual_devices_per_gpu": scalar("int"),
        "use_unified_memory": scalar("bool"),
        "num_dev_to_dev_copy_streams": scalar("int"),
        "collective_ring_order": scalar("str"),
        "timestamped_allocator": scalar("bool"),
        "kernel_tracker_max_interval": scalar("int"),
        "kernel_tracker_max_bytes": scalar("int"),
        "kernel_tracker_max_pending": scalar("int"),
        "internal_fragmentation_fraction": scalar("float"),
        "use_cuda_malloc_async": scalar("bool"),
        "disallow_retry_on_allocation_failure": scalar("bool"),
        "gpu_host_mem_limit_in_mb": scalar("float"),
        "gpu_host_mem_disallow_growth": scalar("bool"),
        "gpu_system_memory_size_in_mb": scalar("int"),
        "populate_pjrt_gpu_client_creation_info": scalar("bool"),
        "node_id": scalar("int"),
        "stream_merge_options": message(StreamMergeOptions),
    }


class GPUOptions(Message):
    """GPU memory and visibility options. Every field is ignored on CPU.

    Example:
        >>> GPUOptions(allow_growth=True, per_process_gpu_memory_fraction=0.5).allow_growth
        True
    """

    Experimental = GPUOptionsExperimental
    FIELDS = {
        "per_process_gpu_memory_fraction": scalar("float"),
        "allow_growth": scalar("bool"),
        "allocator_type": scalar("str"),
        "deferred_deletion_bytes": scalar("int"),
        "visible_device_list": scalar("str"),
        "polling_active_delay_usecs": scalar("int"),
        "polling_inactive_delay_msecs": scalar("int"),
        "force_gpu_compatible": scalar("bool"),
        "experimental": message(GPUOptionsExperimental),
    }


class OptimizerOptions(Message):
    """Graph-optimizer switches (``GraphOptions.optimizer_options``); ignored.

    The enum values are class attributes as in protobuf: ``OptimizerOptions.L1``,
    ``L0``, ``DEFAULT``, ``OFF``, ``ON_1``, ``ON_2``.
    """

    L1, L0 = 0, -1
    DEFAULT, OFF, ON_1, ON_2 = 0, -1, 1, 2
    FIELDS = {
        "do_common_subexpression_elimination": scalar("bool"),
        "do_constant_folding": scalar("bool"),
        "max_folded_constant_in_bytes": scalar("int"),
        "do_function_inlining": scalar("bool"),
        "opt_level": scalar("int"),
        "global_jit_level": scalar("int"),
        "cpu_global_jit": scalar("bool"),
    }


class AutoParallelOptions(Message):
    """``RewriterConfig.auto_parallel`` (ignored)."""

    FIELDS = {"enable": scalar("bool"), "num_replicas": scalar("int")}


class ScopedAllocatorOptions(Message):
    """``RewriterConfig.scoped_allocator_opts`` (ignored)."""

    FIELDS = {"enable_op": repeated("str")}


class CustomGraphOptimizer(Message):
    """``RewriterConfig.CustomGraphOptimizer`` (ignored)."""

    FIELDS = {"name": scalar("str"), "parameter_map": mapping("str", "str")}


class VerifierConfig(Message):
    """``RewriterConfig`` graph verifier settings (ignored)."""

    DEFAULT, ON, OFF = 0, 1, 2
    FIELDS = {"verification_timeout_in_ms": scalar("int"),
              "structure_verifier": scalar("int")}


_TOGGLES = ("layout_optimizer", "constant_folding", "shape_optimization", "remapping",
            "common_subgraph_elimination", "arithmetic_optimization",
            "dependency_optimization", "loop_optimization", "function_optimization",
            "debug_stripper", "scoped_allocator_optimization", "pin_to_host_optimization",
            "implementation_selector", "auto_mixed_precision", "auto_mixed_precision_mkl",
            "auto_mixed_precision_onednn_bfloat16", "auto_mixed_precision_cpu",
            "use_plugin_optimizers", "experimental_conditional_code_motion")


class RewriterConfig(Message):
    """Grappler's rewriter switches (``GraphOptions.rewrite_options``); ignored.

    Enum values as class attributes: ``RewriterConfig.ON``, ``OFF``, ``AGGRESSIVE``, ...
    """

    DEFAULT, ON, OFF, AGGRESSIVE, EXPERIMENTAL_MLIR, EXPERIMENTAL_BOTH = 0, 1, 2, 3, 4, 5
    NO_CONVERSION_ON_CPU, NCHW_TO_NHWC, NHWC_TO_NCHW = 0, 1, 2
    DEFAULT_NUM_ITERS, ONE, TWO = 0, 1, 2
    DEFAULT_MEM_OPT, NO_MEM_OPT, MANUAL, HEURISTICS = 0, 1, 2, 3
    SWAPPING_HEURISTICS, RECOMPUTATION_HEURISTICS, SCHEDULING_HEURISTICS = 4, 5, 6
    CustomGraphOptimizer = CustomGraphOptimizer
    FIELDS = {
        "cpu_layout_conversion": scalar("int"),
        **{name: scalar("int") for name in _TOGGLES},
        "disable_model_pruning": scalar("bool"),
        "disable_meta_optimizer": scalar("bool"),
        "disable_tfg_optimizer": scalar("bool"),
        "meta_optimizer_iterations": scalar("int"),
        "min_graph_nodes": scalar("int"),
        "experimental_disable_compressed_tensor_optimization": scalar("bool"),
        "experimental_disable_folding_quantization_emulation": scalar("bool"),
        "memory_optimization": scalar("int"),
        "memory_optimizer_target_node_name_scope": scalar("str"),
        "meta_optimizer_timeout_ms": scalar("int"),
        "auto_parallel": message(AutoParallelOptions),
        "fail_on_optimizer_errors": scalar("bool"),
        "scoped_allocator_opts": message(ScopedAllocatorOptions),
        "optimizers": repeated("str"),
        "custom_optimizers": repeated(CustomGraphOptimizer),
        "inter_optimizer_verifier_config": message(VerifierConfig),
        "post_optimization_verifier_config": message(VerifierConfig),
    }


class GraphOptions(Message):
    """Graph-level options (``ConfigProto.graph_options``); ignored by trainkit."""

    FIELDS = {
        "enable_recv_scheduling": scalar("bool"),
        "optimizer_options": message(OptimizerOptions),
        "build_cost_model": scalar("int"),
        "build_cost_model_after": scalar("int"),
        "infer_shapes": scalar("bool"),
        "place_pruned_graph": scalar("bool"),
        "enable_bfloat16_sendrecv": scalar("bool"),
        "timeline_step": scalar("int"),
        "rewrite_options": message(RewriterConfig),
    }


class RPCOptions(Message):
    """Distributed-runtime RPC options (ignored: trainkit has no gRPC runtime)."""

    FIELDS = {
        "use_rpc_for_inprocess_master": scalar("bool"),
        "compression_algorithm": scalar("str"),
        "compression_level": scalar("int"),
        "cache_rpc_response": scalar("bool"),
        "disable_session_connection_sharing": scalar("bool"),
        "num_channels_per_target": scalar("int"),
    }


class JobDef(Message):
    """One job of a ``ClusterDef`` (ignored)."""

    FIELDS = {"name": scalar("str"), "tasks": mapping("int", "str")}


class ClusterDef(Message):
    """A cluster description (ignored)."""

    FIELDS = {"job": repeated(JobDef)}


class SessionMetadata(Message):
    """``ConfigProto.Experimental.session_metadata`` (ignored)."""

    FIELDS = {"name": scalar("str"), "version": scalar("int")}


class CoordinatedJob(Message):
    """A job in a coordination-service config (ignored)."""

    FIELDS = {"name": scalar("str"), "num_tasks": scalar("int")}


class CoordinationServiceConfig(Message):
    """``ConfigProto.Experimental.coordination_config`` (ignored)."""

    FIELDS = {
        "service_type": scalar("str"), "service_leader": scalar("str"),
        "enable_health_check": scalar("bool"),
        "cluster_register_timeout_in_ms": scalar("int"),
        "cluster_register_with_barrier": scalar("bool"),
        "heartbeat_timeout_in_ms": scalar("int"),
        "coordinated_job_list": repeated(CoordinatedJob),
        "shutdown_barrier_timeout_in_ms": scalar("int"),
        "agent_destruction_without_shutdown": scalar("bool"),
        "recoverable_jobs": repeated("str"),
        "allow_new_incarnation_to_reconnect": scalar("bool"),
        "force_disable": scalar("bool"),
        "poll_for_error_from_service_at_startup": scalar("bool"),
    }


_EXPERIMENTAL_BOOLS = (
    "use_numa_affinity", "collective_deterministic_sequential_execution",
    "collective_nccl", "share_session_state_in_clusterspec_propagation",
    "disable_thread_spinning", "share_cluster_devices_in_session",
    "optimize_for_static_graph", "enable_mlir_bridge", "enable_mlir_graph_optimization",
    "disable_output_partition_graphs", "use_tfrt", "enable_multi_host", "tfrt_use_ifrt",
    "target_tpu", "target_gpu", "disable_functional_ops_lowering",
    "xla_prefer_single_graph_cluster", "disable_optimize_for_static_graph",
    "disable_eager_executor_streaming_enqueue", "finalize_function_library_runtime",
    "finalize_resource_manager", "online_cost_analysis")


class ConfigProtoExperimental(Message):
    """``ConfigProto.Experimental`` (ignored)."""

    MLIR_BRIDGE_ROLLOUT_UNSPECIFIED, MLIR_BRIDGE_ROLLOUT_ENABLED = 0, 1
    MLIR_BRIDGE_ROLLOUT_DISABLED = 2
    FIELDS = {
        "collective_group_leader": scalar("str"),
        "executor_type": scalar("str"),
        "recv_buf_max_chunk": scalar("int"),
        **{name: scalar("bool") for name in _EXPERIMENTAL_BOOLS},
        "session_metadata": message(SessionMetadata),
        "mlir_bridge_rollout": scalar("int"),
        "xla_fusion_autotuner_thresh": scalar("int"),
        "backend_server_port": scalar("int"),
        "stream_merge_threshold": scalar("int"),
        "coordination_config": message(CoordinationServiceConfig),
        "tf2xla_dump_dir": scalar("str"),
    }


class ConfigProto(Message):
    """Session configuration with every TF1 field (see the module docstring for which
    ones trainkit reads; the rest are accepted and ignored on CPU).

    Unknown field names raise as protobuf does: ``ValueError`` from the constructor,
    ``AttributeError`` on assignment; a value of the wrong type is a ``TypeError``.

    Example:
        >>> config = ConfigProto(intra_op_parallelism_threads=2,
        ...                      gpu_options=GPUOptions(visible_device_list="0"))
        >>> config.gpu_options.visible_device_list
        '0'
    """

    Experimental = ConfigProtoExperimental
    FIELDS = {
        "device_count": mapping("str", "int"),
        "intra_op_parallelism_threads": scalar("int"),
        "inter_op_parallelism_threads": scalar("int"),
        "use_per_session_threads": scalar("bool"),
        "session_inter_op_thread_pool": repeated(ThreadPoolOptionProto),
        "placement_period": scalar("int"),
        "device_filters": repeated("str"),
        "gpu_options": message(GPUOptions),
        "pluggable_device_options": message(GPUOptions),
        "allow_soft_placement": scalar("bool"),
        "log_device_placement": scalar("bool"),
        "graph_options": message(GraphOptions),
        "operation_timeout_in_ms": scalar("int"),
        "rpc_options": message(RPCOptions),
        "cluster_def": message(ClusterDef),
        "isolate_session_state": scalar("bool"),
        "share_cluster_devices_in_session": scalar("bool"),
        "experimental": message(ConfigProtoExperimental),
    }


__all__ = ["ConfigProto", "GPUOptions", "GraphOptions", "OptimizerOptions",
           "RewriterConfig", "ThreadPoolOptionProto", "RPCOptions", "ClusterDef", "JobDef"]
