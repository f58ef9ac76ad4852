"""``tk.keras.layers``: the Keras layers trainkit runs in TF1 graph mode (re-exports).

Example:
    >>> h = tk.keras.layers.Dense(128, activation="relu")(x)
"""

from __future__ import annotations

from trainkit.keras.base_layer import Layer
from trainkit.keras.conv_layers import (
    AveragePooling1D,
    AveragePooling2D,
    AvgPool1D,
    AvgPool2D,
    Conv1D,
    Conv2D,
    Convolution1D,
    Convolution2D,
    MaxPool1D,
    MaxPool2D,
    MaxPooling1D,
    MaxPooling2D,
)
from trainkit.keras.core_layers import (
    Activation,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    Lambda,
    Reshape,
)
from trainkit.keras.input_layer import Input, InputLayer
from trainkit.keras.merge_layers import Add, Concatenate, add, concatenate
from trainkit.keras.normalization_layers import BatchNormalization
from trainkit.keras.recurrent_cells import (
    AbstractRNNCell,
    GRUCell,
    LSTMCell,
    SimpleRNNCell,
)
from trainkit.keras.recurrent_layers import GRU, LSTM, RNN, SimpleRNN, StackedRNNCells
from trainkit.keras.sequence_masks import Masking
from trainkit.keras.wrappers import Bidirectional, TimeDistributed, Wrapper

__all__ = ["Layer", "Dense", "Activation", "Dropout", "Flatten", "Reshape", "Lambda",
           "Embedding", "Conv1D", "Conv2D", "Convolution1D", "Convolution2D", "MaxPooling1D",
           "MaxPooling2D", "MaxPool1D", "MaxPool2D", "AveragePooling1D", "AveragePooling2D",
           "AvgPool1D", "AvgPool2D", "Input", "InputLayer", "Add", "add", "Concatenate",
           "concatenate", "BatchNormalization"]
__all__ += ["Masking", "AbstractRNNCell", "SimpleRNNCell", "GRUCell", "LSTMCell", "RNN",
            "StackedRNNCells", "SimpleRNN", "GRU", "LSTM", "Bidirectional", "TimeDistributed",
            "Wrapper"]
