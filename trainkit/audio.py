"""``trainkit.audio`` (``tf.audio``): WAV decoding and encoding ops. Re-exports only."""

from __future__ import annotations

from trainkit.data.audio_ops import decode_wav, encode_wav

__all__ = ["decode_wav", "encode_wav"]
