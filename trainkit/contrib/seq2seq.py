"""``tk.contrib.seq2seq``: TF1's ``tf.contrib.seq2seq``: ``sequence_loss``, the decoder
helpers, ``BasicDecoder``/``dynamic_decode``, the attention mechanisms and wrapper, and
``BeamSearchDecoder``/``tile_batch``/``gather_tree``."""

from __future__ import annotations

from trainkit.ops.seq2seq.attention_mechanisms import (
    AttentionMechanism,
    BahdanauAttention,
    LuongAttention,
    hardmax,
)
from trainkit.ops.seq2seq.attention_wrapper import AttentionWrapper, AttentionWrapperState
from trainkit.ops.seq2seq.basic_decoder import BasicDecoder, BasicDecoderOutput
from trainkit.ops.seq2seq.beam_search_decoder import (
    BeamSearchDecoder,
    BeamSearchDecoderOutput,
    BeamSearchDecoderState,
    FinalBeamSearchDecoderOutput,
)
from trainkit.ops.seq2seq.beam_search_ops import gather_tree, tile_batch
from trainkit.ops.seq2seq.decoder import Decoder, dynamic_decode
from trainkit.ops.seq2seq.helpers import (
    CustomHelper,
    GreedyEmbeddingHelper,
    Helper,
    SampleEmbeddingHelper,
    TrainingHelper,
)
from trainkit.ops.seq2seq_losses import sequence_loss

__all__ = ["sequence_loss", "Helper", "CustomHelper", "TrainingHelper",
           "GreedyEmbeddingHelper", "SampleEmbeddingHelper", "Decoder", "BasicDecoder",
           "BasicDecoderOutput", "dynamic_decode", "AttentionMechanism", "BahdanauAttention",
           "LuongAttention", "hardmax", "AttentionWrapper", "AttentionWrapperState",
           "BeamSearchDecoder", "BeamSearchDecoderOutput", "BeamSearchDecoderState",
           "FinalBeamSearchDecoderOutput", "gather_tree", "tile_batch"]
