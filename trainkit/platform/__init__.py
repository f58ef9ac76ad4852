"""``trainkit.platform``: program plumbing of TF1 scripts (``tf.app``, ``tf.flags``,
``tf.gfile``, ``tf.logging``). Pure Python; imports nothing below ``errors``."""
