"""``tensorflow.contrib.learn.python``: the import path of TF1 programs that read MNIST
through ``tensorflow.contrib.learn.python.learn.datasets.mnist``."""
