"""Recurrent networks: the TF1 ``rnn_cell`` classes and ``static_rnn``."""
