"""``tensorflow.examples``: what TF1 programs import from it (the MNIST tutorials'
``tutorials.mnist.input_data``). Write ``from trainkit.examples.tutorials.mnist import
input_data`` where a program has ``from tensorflow.examples.tutorials.mnist import
input_data``."""
