"""``tk.keras``: the ``tf.keras`` of TF1 programs (tf_keras under ``tf.compat.v1``, eager
disabled): Keras layers and models as graph builders for Session loops, and Keras's own
``compile``/``fit``/``evaluate``/``predict`` loop on NumPy arrays.

What is here: ``layers`` (Dense, Conv1D/2D, pooling, Flatten, Dropout, Activation,
Reshape, Concatenate, Add, Embedding, BatchNormalization, Input, Lambda), ``Sequential``
and the functional ``Model``, ``activations``, ``initializers``, ``losses`` (the loss
functions, the ``Loss`` classes, ``get``/``serialize``/``deserialize``), ``metrics``
(the accuracy functions), ``regularizers``, ``utils`` (to_categorical, get_file),
``datasets`` (mnist, fashion_mnist, boston_housing), ``optimizers``
(SGD, Adam, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Ftrl with tf_keras's update
math; a ``tk.train`` optimizer is accepted too), ``callbacks`` (History, EarlyStopping,
ModelCheckpoint, LambdaCallback, LearningRateScheduler, ReduceLROnPlateau, CSVLogger,
TerminateOnNaN, TensorBoard), ``preprocessing.image.ImageDataGenerator`` (for
``fit_generator``/``evaluate_generator``), ``applications`` (VGG, ResNet, MobileNet,
DenseNet, Inception, Xception, NASNet built with ``weights=None``) and ``backend``
(session, learning phase, floatx, epsilon, ``variable``/``placeholder``/``function`` and
the ``K.*`` tensor functions, CTC included). Variables get Keras's names (``dense/kernel:0``,
``training/Adam/dense/kernel/m:0``). ``fit`` runs in ``backend.get_session()``.

Not here: datasets/generators as ``fit`` input (generators go to ``fit_generator``),
sample and class weights, whole-model saving and h5 (``save_weights``/``load_weights``
write TF1 checkpoints).

Example:
    >>> model = tk.keras.models.Sequential([
    ...     tk.keras.layers.Flatten(input_shape=(28, 28)),
    ...     tk.keras.layers.Dense(128, activation="relu"),
    ...     tk.keras.layers.Dense(10, activation="softmax")])
    >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
    ...               metrics=["accuracy"])
    >>> history = model.fit(x_train, y_train, epochs=5)
    >>> loss, acc = model.evaluate(x_test, y_test)
"""

from __future__ import annotations

from trainkit.keras import (
    activations,
    applications,
    backend,
    callbacks,
    datasets,
    experimental,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    preprocessing,
    regularizers,
    utils,
)
from trainkit.keras.input_layer import Input
from trainkit.keras.models import Model, Sequential

__all__ = ["activations", "applications", "backend", "callbacks", "datasets", "experimental",
           "initializers",
           "layers",
           "losses", "metrics", "models", "optimizers", "preprocessing", "regularizers", "utils",
           "Input", "Model", "Sequential"]
