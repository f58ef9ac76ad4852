"""``tk.keras.layers``: the Keras layers trainkit runs in TF1 graph mode (re-exports).

Example:
    >>> h = tk.keras.layers.Dense(128, activation="relu")(x)
"""

from __future__ import annotations

from trainkit.keras.activation_layers import (
    ELU,
    LeakyReLU,
    PReLU,
    ReLU,
    Softmax,
    ThresholdedReLU,
)
from trainkit.keras.attention_layers import AdditiveAttention, Attention
from trainkit.keras.base_layer import Layer
from trainkit.keras.conv3d_layers import (
    AveragePooling3D,
    AvgPool3D,
    Conv3D,
    Convolution3D,
    MaxPool3D,
    MaxPooling3D,
)
from trainkit.keras.conv3d_transpose_layer import Conv3DTranspose, Convolution3DTranspose
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
from trainkit.keras.conv_lstm import ConvLSTM2D, ConvLSTM2DCell
from trainkit.keras.conv_transpose_layers import Conv2DTranspose, Convolution2DTranspose
from trainkit.keras.core_layers import (
    Activation,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    Lambda,
    Reshape,
)
from trainkit.keras.cudnn_recurrent import CuDNNGRU, CuDNNLSTM
from trainkit.keras.dot_layer import Dot, dot
from trainkit.keras.elementwise_merge_layers import (
    Average,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    average,
    maximum,
    minimum,
    multiply,
    subtract,
)
from trainkit.keras.feature_layers import DenseFeatures
from trainkit.keras.global_pooling_layers import (
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalAvgPool3D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalMaxPool3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
)
from trainkit.keras.input_layer import Input, InputLayer
from trainkit.keras.layer_normalization import LayerNormalization
from trainkit.keras.locally_connected_layers import LocallyConnected1D, LocallyConnected2D
from trainkit.keras.merge_layers import Add, Concatenate, add, concatenate
from trainkit.keras.noise_layers import AlphaDropout, GaussianDropout, GaussianNoise
from trainkit.keras.normalization_layers import BatchNormalization
from trainkit.keras.recurrent_cells import (
    AbstractRNNCell,
    GRUCell,
    LSTMCell,
    SimpleRNNCell,
)
from trainkit.keras.recurrent_layers import GRU, LSTM, RNN, SimpleRNN, StackedRNNCells
from trainkit.keras.regularization_layers import (
    ActivityRegularization,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)
from trainkit.keras.reshaping_layers import (
    Cropping1D,
    Cropping2D,
    Cropping3D,
    Permute,
    RepeatVector,
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
)
from trainkit.keras.separable_layers import (
    DepthwiseConv2D,
    SeparableConv1D,
    SeparableConv2D,
    SeparableConvolution1D,
    SeparableConvolution2D,
)
from trainkit.keras.sequence_masks import Masking
from trainkit.keras.upsampling_layers import UpSampling1D, UpSampling2D, UpSampling3D
from trainkit.keras.wrappers import Bidirectional, TimeDistributed, Wrapper

__all__ = ["Layer", "Dense", "Activation", "Dropout", "Flatten", "Reshape", "Lambda",
           "Embedding", "Conv1D", "Conv2D", "Convolution1D", "Convolution2D", "MaxPooling1D",
           "MaxPooling2D", "MaxPool1D", "MaxPool2D", "AveragePooling1D", "AveragePooling2D",
           "AvgPool1D", "AvgPool2D", "Input", "InputLayer", "Add", "add", "Concatenate",
           "concatenate", "BatchNormalization"]
__all__ += ["ConvLSTM2D", "ConvLSTM2DCell", "CuDNNGRU", "CuDNNLSTM"]
__all__ += ["Masking", "AbstractRNNCell", "SimpleRNNCell", "GRUCell", "LSTMCell", "RNN",
            "StackedRNNCells", "SimpleRNN", "GRU", "LSTM", "Bidirectional", "TimeDistributed",
            "Wrapper"]
__all__ += ["Conv2DTranspose", "Convolution2DTranspose", "SeparableConv1D", "SeparableConv2D",
            "SeparableConvolution1D", "SeparableConvolution2D", "DepthwiseConv2D", "Conv3D",
            "Convolution3D", "MaxPooling3D", "AveragePooling3D", "MaxPool3D", "AvgPool3D",
            "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D",
            "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D", "RepeatVector",
            "Permute", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
            "GlobalAveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
            "GlobalMaxPooling3D", "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D",
            "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D", "LeakyReLU", "PReLU",
            "ReLU", "ELU", "ThresholdedReLU", "Softmax", "LayerNormalization",
            "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
            "GaussianDropout", "AlphaDropout", "ActivityRegularization", "Multiply",
            "Subtract", "Average", "Maximum", "Minimum", "Dot", "multiply", "subtract",
            "average", "maximum", "minimum", "dot"]
__all__ += ["Attention", "AdditiveAttention"]
__all__ += ["Conv3DTranspose", "Convolution3DTranspose", "LocallyConnected1D",
            "LocallyConnected2D"]
__all__ += ["DenseFeatures"]
