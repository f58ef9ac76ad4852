"""``tk.contrib.slim`` (``slim = tf.contrib.slim``): the ``tf.contrib.layers`` functions,
``arg_scope`` and the model-variable helpers at the top level, plus ``slim.losses``,
``slim.learning``, ``slim.metrics``, ``slim.evaluation``, ``slim.utils``,
``slim.model_analyzer``, ``slim.summaries``, ``slim.queues`` and the data pipeline
(``slim.dataset``, ``slim.tfexample_decoder``, ``slim.dataset_data_provider``,
``slim.parallel_reader``, ``slim.prefetch_queue``).

Example:
    >>> slim = tk.contrib.slim
    >>> with slim.arg_scope([slim.conv2d, slim.fully_connected],
    ...                     weights_regularizer=slim.l2_regularizer(0.0005)):
    ...     net = slim.conv2d(images, 32, [5, 5], scope="conv1")
    ...     net = slim.max_pool2d(net, [2, 2], scope="pool1")
    ...     logits = slim.fully_connected(slim.flatten(net), 10, activation_fn=None)
"""

from __future__ import annotations

import trainkit.contrib.layers as layers
from trainkit.contrib.framework import *  # noqa: F403
from trainkit.contrib.framework import NOT_SLIM as _FRAMEWORK_NOT_SLIM
from trainkit.contrib.framework import __all__ as _framework_all
from trainkit.contrib.layers import *  # noqa: F403
from trainkit.contrib.layers import __all__ as _layers_all
from trainkit.contrib.layers import initializers, optimizers, regularizers
from trainkit.contrib.slim import (
    data,
    evaluation,
    learning,
    losses,
    metrics,
    model_analyzer,
    queues,
    summaries,
    utils,
    variables,
)
from trainkit.contrib.slim.data import (
    data_decoder,
    data_provider,
    dataset,
    dataset_data_provider,
    parallel_reader,
    prefetch_queue,
    tfexample_decoder,
)

# tf.contrib.layers' encoders and sparse ops were never part of slim.
_NOT_SLIM = ("embed_sequence", "bow_encoder", "dense_to_sparse_tensor")
del embed_sequence, bow_encoder, dense_to_sparse_tensor  # noqa: F821
# tf.contrib.framework's core re-exports (nest, load_checkpoint, ...) neither.
for _name in _FRAMEWORK_NOT_SLIM:
    del globals()[_name]
del _name
__all__ = [*(n for n in _framework_all if n not in _FRAMEWORK_NOT_SLIM),
           *(n for n in _layers_all if n not in _NOT_SLIM), "learning",
           "losses", "metrics", "evaluation", "utils", "model_analyzer", "layers",
           "initializers", "optimizers", "regularizers", "variables", "data", "queues",
           "summaries", "data_decoder", "data_provider", "dataset", "dataset_data_provider",
           "parallel_reader", "prefetch_queue", "tfexample_decoder"]
