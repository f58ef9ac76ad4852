"""``tf.contrib.learn.ModeKeys``: the mode strings of ``tf.contrib.learn`` model
functions (``INFER`` where ``tf.estimator.ModeKeys`` says ``PREDICT``; same value)."""

from __future__ import annotations


class ModeKeys:
    """The modes a ``tf.contrib.learn`` model function is called in.

    Example:
        >>> ModeKeys.INFER
        'infer'
    """

    TRAIN = "train"
    EVAL = "eval"
    INFER = "infer"


__all__ = ["ModeKeys"]
