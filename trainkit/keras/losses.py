"""``tk.keras.losses``: Keras's loss functions (per-example values, reduced over the last
axis only; :mod:`trainkit.keras.loss_functions`), the loss classes that wrap and reduce
them (:mod:`trainkit.keras.loss_classes`), their aliases, and ``serialize`` /
``deserialize`` / ``get``, as tf_keras 2.21 exports them under ``tf.compat.v1``.

Names ``get`` knows: the functions and their aliases (``mse``, ``MSE``, ``mae``, ``mape``,
``msle``, ``kld``, ``kullback_leibler_divergence``, ``logcosh``, ``huber_loss``, ``bce``,
...), and the class names (a class name gives an instance built with its defaults).
``cosine_proximity`` and ``cosine`` are attributes (the function ``cosine_similarity``)
but, as in tf_keras 2.21, not names ``get`` resolves.

Example:
    >>> loss = tk.reduce_mean(tk.keras.losses.sparse_categorical_crossentropy(
    ...     labels, logits, from_logits=True))
    >>> tk.keras.losses.get("msle").__name__
    'mean_squared_logarithmic_error'
"""

from __future__ import annotations

import logging
from typing import Any

from trainkit.keras.loss_classes import (
    LOSS_CLASSES,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    Loss,
    LossFunctionWrapper,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    Poisson,
    Reduction,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from trainkit.keras.loss_functions import (
    binary_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    cosine_similarity,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)

_LOG = logging.getLogger("trainkit.keras")

bce = BCE = binary_crossentropy
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
huber_loss = huber
cosine = cosine_proximity = cosine_similarity

_FUNCTIONS = {f.__name__: f for f in (
    binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy,
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, hinge, squared_hinge, categorical_hinge, huber, log_cosh,
    kl_divergence, poisson, cosine_similarity)}
_ALIASES = {"bce": bce, "BCE": bce, "mse": mse, "MSE": mse, "mae": mae, "MAE": mae,
            "mape": mape, "MAPE": mape, "msle": msle, "MSLE": msle, "kld": kld, "KLD": kld,
            "kullback_leibler_divergence": kld, "logcosh": logcosh, "huber_loss": huber}
_BY_NAME: dict[str, Any] = {**_FUNCTIONS, **_ALIASES, **LOSS_CLASSES}


def _unknown(name: Any) -> ValueError:
    return ValueError(f"Unknown loss function: '{name}'. Please ensure you are using a "
                      "`keras.utils.custom_object_scope` and that this object is included "
                      "in the scope.")


def serialize(loss: Any) -> Any:
    """``{'class_name': ..., 'config': ...}`` for a ``Loss``, the name for a function,
    None for None.

    Raises:
        ValueError: for an object that is neither a Loss nor a named callable.
    """
    if loss is None:
        return None
    if isinstance(loss, Loss):
        return {"class_name": type(loss).__name__, "config": loss.get_config()}
    _LOG.warning("The `keras.losses.serialize()` API should only be used for objects of "
                 "type `keras.losses.Loss`. Found an instance of type %s, which may lead "
                 "to improper serialization.", type(loss))
    name = getattr(loss, "__name__", None)
    if name is None:
        raise ValueError(f"Cannot serialize {loss!r}: it is not a Loss and has no name.")
    return name


def deserialize(name: Any, custom_objects: dict | None = None) -> Any:
    """The loss named by ``name``: a function for a function name, an instance for a class
    name (built with its defaults) or for a ``{'class_name', 'config'}`` dict.

    Raises:
        ValueError: for an unknown name or a malformed dict.
    """
    table = {**_BY_NAME, **(custom_objects or {})}
    if isinstance(name, dict):
        if "class_name" not in name or "config" not in name:
            raise ValueError(f"Improper config format for a loss: {name}. Expecting python "
                             "dict contains `class_name` and `config` as keys")
        cls = table.get(name["class_name"])
        if cls is None:
            raise _unknown(name["class_name"])
        if isinstance(cls, type) and hasattr(cls, "from_config"):
            return cls.from_config(dict(name["config"]))
        return cls(**name["config"])
    if not isinstance(name, str) or name not in table:
        raise _unknown(name)
    obj = table[name]
    return obj() if isinstance(obj, type) else obj


def get(identifier: Any) -> Any:
    """The loss for ``identifier``: None, a name or config dict (see :func:`deserialize`),
    or a callable (returned as is).

    Raises:
        ValueError: for an unknown name or an identifier of another kind.
    """
    if identifier is None:
        return None
    if isinstance(identifier, str | dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss function identifier: {identifier}")


def for_compile(identifier: Any) -> Any:
    """What ``Model.compile`` uses for ``loss=identifier``: a ``Loss`` as is, else
    :func:`get`'s result.

    Raises:
        ValueError: for a Loss class not instantiated, or what :func:`get` rejects.
    """
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        raise ValueError(f"Received uninstantiated Loss class: {identifier}\nPlease call loss "
                         "classes before passing them to Model.compile.")
    return get(identifier)


def unwrap(loss: Any) -> Any:
    """The function behind a ``LossFunctionWrapper`` (else ``loss`` itself): what the
    compile-time checks compare with ``binary_crossentropy`` and friends."""
    return loss.fn if isinstance(loss, LossFunctionWrapper) else loss


__all__ = ["Reduction", "Loss", "LossFunctionWrapper", "MeanSquaredError", "MeanAbsoluteError",
           "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "BinaryCrossentropy",
           "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "Hinge", "SquaredHinge",
           "CategoricalHinge", "Huber", "LogCosh", "Poisson", "KLDivergence",
           "CosineSimilarity", "binary_crossentropy", "categorical_crossentropy",
           "sparse_categorical_crossentropy", "mean_squared_error", "mean_absolute_error",
           "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "hinge",
           "squared_hinge", "categorical_hinge", "huber", "log_cosh", "kl_divergence",
           "poisson", "cosine_similarity", "bce", "BCE", "mse", "MSE", "mae", "MAE", "mape",
           "MAPE", "msle", "MSLE", "kld", "KLD", "kullback_leibler_divergence", "logcosh",
           "huber_loss", "cosine", "cosine_proximity", "serialize", "deserialize", "get",
           "for_compile", "unwrap"]
