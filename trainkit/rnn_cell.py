"""``tk.nn.rnn_cell``: recurrent cells (re-exports, mirroring ``tf.compat.v1.nn.rnn_cell``)."""

from __future__ import annotations

from trainkit.ops.rnn.basic_cells import BasicLSTMCell, BasicRNNCell, GRUCell
from trainkit.ops.rnn.cell_base import LSTMStateTuple, RNNCell
from trainkit.ops.rnn.lstm_cell import LSTMCell
from trainkit.ops.rnn.wrappers import DeviceWrapper, DropoutWrapper, MultiRNNCell, ResidualWrapper

__all__ = ["RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell",
           "DropoutWrapper", "ResidualWrapper", "DeviceWrapper", "LSTMStateTuple"]
