"""``tk.contrib.training``: TF 1.15's ``tf.contrib.training`` hyperparameter container."""

from trainkit.contrib.training.hparam import HParams, parse_values

__all__ = ["HParams", "parse_values"]
