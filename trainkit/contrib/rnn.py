"""``tk.contrib.rnn``: TF1's ``tf.contrib.rnn`` aliases of the core recurrent cells and
``static_rnn`` (the same classes as ``tk.nn.rnn_cell``)."""

from __future__ import annotations

from trainkit.ops.rnn.basic_cells import BasicLSTMCell, BasicRNNCell, GRUCell
from trainkit.ops.rnn.cell_base import LSTMStateTuple, RNNCell
from trainkit.ops.rnn.core_rnn_cell import (
    EmbeddingWrapper,
    InputProjectionWrapper,
    OutputProjectionWrapper,
)
from trainkit.ops.rnn.lstm_cell import LSTMCell
from trainkit.ops.rnn.static_rnn import static_bidirectional_rnn, static_rnn
from trainkit.ops.rnn.wrappers import DeviceWrapper, DropoutWrapper, MultiRNNCell, ResidualWrapper

__all__ = ["RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell",
           "DropoutWrapper", "ResidualWrapper", "DeviceWrapper", "LSTMStateTuple",
           "static_rnn", "static_bidirectional_rnn", "EmbeddingWrapper",
           "InputProjectionWrapper", "OutputProjectionWrapper"]
