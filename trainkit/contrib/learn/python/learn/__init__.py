"""``tensorflow.contrib.learn.python.learn`` (only its ``datasets``)."""
