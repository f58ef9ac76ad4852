"""TF1's ``tf.contrib.seq2seq`` decoders, helpers and attention (see ``contrib/seq2seq``)."""
