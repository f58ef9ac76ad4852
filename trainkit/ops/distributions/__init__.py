"""The implementation of ``tf.distributions`` (``trainkit.distributions`` re-exports it):
the ``Distribution`` base, the KL registry and the distributions, built from graph ops."""
