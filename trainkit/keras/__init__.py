"""``tk.keras``: the ``tf.keras`` of TF1 programs that build their graph with Keras layers
and train it in a Session loop (tf_keras under ``tf.compat.v1``, eager disabled).

What is here: ``layers`` (Dense, Conv1D/2D, pooling, Flatten, Dropout, Activation,
Reshape, Concatenate, Add, Embedding, BatchNormalization, Input, Lambda), ``Sequential``
and the functional ``Model`` as graph builders, ``activations``, ``initializers``,
``losses`` (the function forms), ``metrics`` (the accuracy functions), ``regularizers``
and ``backend`` (session, learning phase, floatx, epsilon). Variables get Keras's names
(``dense/kernel:0``, ``dense_1/bias:0``).

Not here: Keras's own training loop (``model.compile``/``fit``/``evaluate``/``predict``
raise ``NotImplementedError``; use an optimizer's ``minimize`` and ``sess.run``), Keras
optimizers, callbacks and saving to h5.

Example:
    >>> x = tk.placeholder(tk.float32, [None, 784])
    >>> h = tk.keras.layers.Dense(128, activation="relu")(x)
    >>> logits = tk.keras.layers.Dense(10)(h)
    >>> loss = tk.reduce_mean(tk.keras.losses.sparse_categorical_crossentropy(
    ...     y, logits, from_logits=True))
    >>> train_op = tk.train.AdamOptimizer().minimize(loss)
"""

from __future__ import annotations

from trainkit.keras import (
    activations,
    backend,
    callbacks,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    regularizers,
)
from trainkit.keras.input_layer import Input
from trainkit.keras.models import Model, Sequential

__all__ = ["activations", "backend", "callbacks", "initializers", "layers", "losses",
           "metrics", "models", "optimizers", "regularizers", "Input", "Model", "Sequential"]
