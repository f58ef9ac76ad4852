"""``tf.estimator.ModeKeys``: the three modes a ``model_fn`` is called in."""

from __future__ import annotations


class ModeKeys:
    """The mode strings passed as ``mode`` to a ``model_fn``.

    Example:
        >>> ModeKeys.TRAIN
        'train'
    """

    TRAIN = "train"
    EVAL = "eval"
    PREDICT = "infer"


__all__ = ["ModeKeys"]
