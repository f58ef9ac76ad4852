"""``trainkit.train``: sessions, hooks, optimizers, checkpoints (``tf.compat.v1.train``).

A thin façade: every name is defined in ``trainkit.training``, ``trainkit.hooks`` or
``trainkit.summary`` and only re-exported here.
"""

from __future__ import annotations

import importlib as _importlib
from typing import Any as _Any

from trainkit.hooks import (  # noqa: F401
    CheckpointSaverHook,
    CheckpointSaverListener,
    EarlyStoppingHook,
    EvaluationHook,
    EvaluationResults,
    FeedFnHook,
    FinalOpsHook,
    GlobalStepWaiterHook,
    HookTimingReport,
    LoggingTensorHook,
    MonitoredTrainingSession,
    NanLossDuringTrainingError,
    NanTensorHook,
    NeverTriggerTimer,
    ProfilerHook,
    ProgressBarHook,
    SecondOrStepTimer,
    StepCounterHook,
    StopAtStepHook,
    SummarySaverHook,
    WriterHook,
    evaluation_results,
    hook_timing,
)
from trainkit.summary.event_reader import summary_iterator  # noqa: F401
from trainkit.training import queue_runner  # noqa: F401
from trainkit.training.checkpoint_management import (  # noqa: F401
    checkpoint_exists,
    generate_checkpoint_state_proto,
    get_checkpoint_mtimes,
    get_checkpoint_state,
    latest_checkpoint,
    remove_checkpoint,
    update_checkpoint_state,
)
from trainkit.training.checkpoint_polling import checkpoints_iterator  # noqa: F401
from trainkit.training.checkpoint_reader import (  # noqa: F401
    NewCheckpointReader,
    list_variables,
    load_checkpoint,
    load_variable,
)
from trainkit.training.cluster_spec import ClusterSpec  # noqa: F401
from trainkit.training.coordinator import Coordinator  # noqa: F401
from trainkit.training.device_setter import replica_device_setter  # noqa: F401
from trainkit.training.gradient_accumulation import GradientAccumulationOptimizer  # noqa: F401
from trainkit.training.init_from_checkpoint import init_from_checkpoint  # noqa: F401
from trainkit.training.learning_rate import (  # noqa: F401
    cosine_decay,
    cosine_decay_restarts,
    exponential_decay,
    inverse_time_decay,
    linear_cosine_decay,
    natural_exp_decay,
    noisy_linear_cosine_decay,
    piecewise_constant,
    piecewise_constant_decay,
    polynomial_decay,
)
from trainkit.training.meta_graph import export_meta_graph, write_graph  # noqa: F401
from trainkit.training.meta_graph_import import import_meta_graph  # noqa: F401
from trainkit.training.monitored_session import (  # noqa: F401
    MonitoredSession,
    SingularMonitoredSession,
    StepContext,
)
from trainkit.training.moving_averages import ExponentialMovingAverage  # noqa: F401
from trainkit.training.optimizer import Optimizer  # noqa: F401
from trainkit.training.optimizers import (  # noqa: F401
    AdadeltaOptimizer,
    AdagradOptimizer,
    AdamOptimizer,
    GradientDescentOptimizer,
    MomentumOptimizer,
    RMSPropOptimizer,
)
from trainkit.training.proximal_optimizers import (  # noqa: F401
    AdagradDAOptimizer,
    FtrlOptimizer,
    ProximalAdagradOptimizer,
    ProximalGradientDescentOptimizer,
)
from trainkit.training.queue_runner import (  # noqa: F401
    QueueRunner,
    add_queue_runner,
    start_queue_runners,
)
from trainkit.training.saver import Saver  # noqa: F401
from trainkit.training.scaffold import Scaffold  # noqa: F401
from trainkit.training.session_creators import (  # noqa: F401
    ChiefSessionCreator,
    SessionCreator,
    WorkerSessionCreator,
)
from trainkit.training.session_manager import SessionManager  # noqa: F401
from trainkit.training.session_run_hook import (  # noqa: F401
    SessionRunArgs,
    SessionRunContext,
    SessionRunHook,
    SessionRunValues,
)
from trainkit.training.supervisor import Supervisor  # noqa: F401
from trainkit.training.train_loops import LooperThread, basic_train_loop  # noqa: F401
from trainkit.training.training_util import (  # noqa: F401
    assert_global_step,
    create_global_step,
    get_global_step,
    get_or_create_global_step,
    global_step,
)
from trainkit.training.warm_start import warm_start  # noqa: F401
from trainkit.training.warmup import linear_warmup  # noqa: F401

# Queue input pipelines and Example protos live in the data layer; imported on first use.
_LAZY_NAMES = {
    **dict.fromkeys(("batch", "batch_join", "maybe_batch", "shuffle_batch",
                     "shuffle_batch_join", "maybe_shuffle_batch", "maybe_batch_join",
                     "maybe_shuffle_batch_join"), "trainkit.data.batching"),
    **dict.fromkeys(("input_producer", "limit_epochs", "range_input_producer",
                     "slice_input_producer", "string_input_producer"),
                    "trainkit.data.input_producers"),
    **dict.fromkeys(("Example", "Features", "Feature", "BytesList", "FloatList",
                     "Int64List"), "trainkit.data.example_proto"),
    **dict.fromkeys(("SequenceExample", "FeatureLists", "FeatureList"),
                    "trainkit.data.sequence_example_proto"),
    "match_filenames_once": "trainkit.data.io_ops",
}


def __getattr__(name: str) -> _Any:
    if name in _LAZY_NAMES:
        value = getattr(_importlib.import_module(_LAZY_NAMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'trainkit.train' has no attribute '{name}'")
