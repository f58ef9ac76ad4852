"""``tk.contrib.cudnn_rnn``: TF 1.15's ``tf.contrib.cudnn_rnn`` on the CPU: the cuDNN RNN
layers (``CudnnLSTM``, ``CudnnGRU``, ``CudnnRNNTanh``, ``CudnnRNNRelu``), the compatible
cells that restore their checkpoints, the parameter-format converters and the saveables
that write the canonical weights."""

from __future__ import annotations

from trainkit.contrib.cudnn_rnn.cells import CudnnCompatibleGRUCell, CudnnCompatibleLSTMCell
from trainkit.contrib.cudnn_rnn.layers import CudnnGRU, CudnnLSTM, CudnnRNNRelu, CudnnRNNTanh
from trainkit.contrib.cudnn_rnn.params import (
    CUDNN_GRU,
    CUDNN_GRU_PARAMS_PER_LAYER,
    CUDNN_INPUT_AUTO_MODE,
    CUDNN_INPUT_LINEAR_MODE,
    CUDNN_INPUT_SKIP_MODE,
    CUDNN_LSTM,
    CUDNN_LSTM_PARAMS_PER_LAYER,
    CUDNN_RNN_BIDIRECTION,
    CUDNN_RNN_RELU,
    CUDNN_RNN_RELU_PARAMS_PER_LAYER,
    CUDNN_RNN_TANH,
    CUDNN_RNN_TANH_PARAMS_PER_LAYER,
    CUDNN_RNN_UNIDIRECTION,
    CudnnParamsFormatConverterGRU,
    CudnnParamsFormatConverterLSTM,
    CudnnParamsFormatConverterRelu,
    CudnnParamsFormatConverterTanh,
    cudnn_rnn_canonical_to_opaque_params,
    cudnn_rnn_opaque_params_size,
    cudnn_rnn_opaque_params_to_canonical,
)
from trainkit.contrib.cudnn_rnn.saveable import (
    CudnnGRUSaveable,
    CudnnLSTMSaveable,
    CudnnOpaqueParamsSaveable,
    CudnnRNNReluSaveable,
    CudnnRNNTanhSaveable,
)

__all__ = ["CudnnLSTM", "CudnnGRU", "CudnnRNNTanh", "CudnnRNNRelu", "CudnnCompatibleLSTMCell",
           "CudnnCompatibleGRUCell", "CudnnParamsFormatConverterLSTM",
           "CudnnParamsFormatConverterGRU", "CudnnParamsFormatConverterTanh",
           "CudnnParamsFormatConverterRelu", "CudnnOpaqueParamsSaveable", "CudnnLSTMSaveable",
           "CudnnGRUSaveable", "CudnnRNNTanhSaveable", "CudnnRNNReluSaveable",
           "cudnn_rnn_opaque_params_size", "cudnn_rnn_opaque_params_to_canonical",
           "cudnn_rnn_canonical_to_opaque_params", "CUDNN_LSTM", "CUDNN_GRU",
           "CUDNN_RNN_TANH", "CUDNN_RNN_RELU", "CUDNN_RNN_UNIDIRECTION",
           "CUDNN_RNN_BIDIRECTION", "CUDNN_INPUT_LINEAR_MODE", "CUDNN_INPUT_SKIP_MODE",
           "CUDNN_INPUT_AUTO_MODE", "CUDNN_LSTM_PARAMS_PER_LAYER",
           "CUDNN_GRU_PARAMS_PER_LAYER", "CUDNN_RNN_TANH_PARAMS_PER_LAYER",
           "CUDNN_RNN_RELU_PARAMS_PER_LAYER"]
