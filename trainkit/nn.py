"""``tk.nn``: activations, losses, dropout, moments, convolution and pooling (re-exports,
mirroring ``tf.compat.v1.nn``)."""

from __future__ import annotations

from trainkit import rnn_cell  # tk.nn.rnn_cell.BasicLSTMCell & co.
from trainkit.autodiff.conv3d_backprop_filter import (
    conv3d_backprop_filter,
    conv3d_backprop_filter_v2,
)
from trainkit.autodiff.conv3d_transpose import conv3d_transpose
from trainkit.autodiff.conv_transpose_nd import conv_transpose
from trainkit.ops.array_extras import depth_to_space, space_to_depth
from trainkit.ops.atrous_transpose import atrous_conv2d_transpose
from trainkit.ops.candidate_sampling_ops import (
    all_candidate_sampler,
    compute_accidental_hits,
    fixed_unigram_candidate_sampler,
    learned_unigram_candidate_sampler,
    log_uniform_candidate_sampler,
    uniform_candidate_sampler,
)
from trainkit.ops.conv1d_ops import conv1d
from trainkit.ops.conv3d_ops import avg_pool3d, conv3d, max_pool3d
from trainkit.ops.conv_ops import conv2d
from trainkit.ops.conv_transpose_more import conv1d_transpose
from trainkit.ops.conv_transpose_ops import atrous_conv2d, conv2d_transpose
from trainkit.ops.ctc_decoders import ctc_beam_search_decoder, ctc_greedy_decoder
from trainkit.ops.ctc_label_ops import collapse_repeated, ctc_unique_labels
from trainkit.ops.ctc_loss_ops import ctc_loss
from trainkit.ops.ctc_v2 import ctc_beam_search_decoder_v2, ctc_loss_v2
from trainkit.ops.depthwise_conv_ops import (
    depthwise_conv2d,
    depthwise_conv2d_native,
    depthwise_conv2d_native_backprop_filter,
    depthwise_conv2d_native_backprop_input,
    separable_conv2d,
)
from trainkit.ops.depthwise_conv_ops import (
    depthwise_conv2d_native_backprop_filter as depthwise_conv2d_backprop_filter,
)
from trainkit.ops.depthwise_conv_ops import (
    depthwise_conv2d_native_backprop_input as depthwise_conv2d_backprop_input,
)
from trainkit.ops.dynamic_rnn import bidirectional_dynamic_rnn, dynamic_rnn
from trainkit.ops.embedding_extras import safe_embedding_lookup_sparse
from trainkit.ops.embedding_ops import embedding_lookup, embedding_lookup_sparse
from trainkit.ops.fractional_pool_ops import fractional_avg_pool, fractional_max_pool
from trainkit.ops.loss_scaling import compute_average_loss, scale_regularization_loss
from trainkit.ops.lrn_ops import local_response_normalization, lrn
from trainkit.ops.math_extras import l2_normalize
from trainkit.ops.misc_more import avg_pool_v2, max_pool_v2
from trainkit.ops.morphology_ops import dilation2d, erosion2d
from trainkit.ops.nn_activations import (
    bias_add,
    elu,
    leaky_relu,
    log_softmax,
    relu,
    relu6,
    selu,
    softmax,
    softplus,
    softsign,
)
from trainkit.ops.nn_extras import crelu, silu, swish
from trainkit.ops.nn_layer_ops import relu_layer, xw_plus_b
from trainkit.ops.nn_losses_ops import (
    l2_loss,
    sigmoid_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2,
    sparse_softmax_cross_entropy_with_logits,
)
from trainkit.ops.nn_ops import dropout, moments, sigmoid, tanh
from trainkit.ops.nn_stats_extras import (
    conv2d_backprop_filter,
    conv2d_backprop_input,
    fused_batch_norm,
    log_poisson_loss,
    normalize_moments,
    sufficient_statistics,
    weighted_moments,
)
from trainkit.ops.nn_stats_ops import (
    batch_norm_with_global_normalization,
    batch_normalization,
    zero_fraction,
)
from trainkit.ops.pool_dispatch import convolution, max_pool_with_argmax, pool
from trainkit.ops.pool_ops import avg_pool, max_pool, max_pool2d
from trainkit.ops.pool_ops import avg_pool as avg_pool2d
from trainkit.ops.pooling1d_ops import avg_pool1d, max_pool1d
from trainkit.ops.raw_rnn import raw_rnn
from trainkit.ops.rnn.static_rnn import static_bidirectional_rnn, static_rnn
from trainkit.ops.sampled_losses import nce_loss, sampled_softmax_loss
from trainkit.ops.space_batch_ops import space_to_batch
from trainkit.ops.top_k_ops import in_top_k, top_k
from trainkit.ops.weighted_xent_ops import weighted_cross_entropy_with_logits
from trainkit.ops.with_space_to_batch import with_space_to_batch
