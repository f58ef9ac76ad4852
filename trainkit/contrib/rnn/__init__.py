"""``tk.contrib.rnn``: TF 1.15's ``tf.contrib.rnn``: the core recurrent cells and
``static_rnn`` (the same classes as ``tk.nn.rnn_cell``), the stacked bidirectional RNNs,
the block (fused-kernel) cells and the contrib cells and wrappers."""

from __future__ import annotations

from trainkit.contrib.rnn.block_cells import (
    GRUBlockCell,
    GRUBlockCellV2,
    LSTMBlockCell,
    LSTMBlockFusedCell,
)
from trainkit.contrib.rnn.contrib_cells import (
    CoupledInputForgetGateLSTMCell,
    IndRNNCell,
    NASCell,
    SRUCell,
    UGRNNCell,
)
from trainkit.contrib.rnn.contrib_wrappers import AttentionCellWrapper, HighwayWrapper
from trainkit.contrib.rnn.conv_lstm import (
    Conv1DLSTMCell,
    Conv2DLSTMCell,
    Conv3DLSTMCell,
    ConvLSTMCell,
)
from trainkit.contrib.rnn.layer_norm_lstm import LayerNormBasicLSTMCell
from trainkit.contrib.rnn.stack_rnn import (
    stack_bidirectional_dynamic_rnn,
    stack_bidirectional_rnn,
)
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
           "InputProjectionWrapper", "OutputProjectionWrapper",
           "stack_bidirectional_rnn", "stack_bidirectional_dynamic_rnn",
           "LayerNormBasicLSTMCell", "LSTMBlockCell", "LSTMBlockFusedCell", "GRUBlockCell",
           "GRUBlockCellV2", "HighwayWrapper", "AttentionCellWrapper", "ConvLSTMCell",
           "Conv1DLSTMCell", "Conv2DLSTMCell", "Conv3DLSTMCell", "IndRNNCell", "SRUCell",
           "UGRNNCell", "CoupledInputForgetGateLSTMCell", "NASCell"]
