"""The "Signal Processing (contrib)" API guide of TF 1.x, from tensorflow/tensorflow
``tensorflow/docs_src/api_guides/python/contrib.signal.md``, every snippet in order:
``frame`` of variable-length signals (a ``[None, None]`` placeholder) and of
spectrograms along ``axis=1``, ``overlap_and_add`` reconstruction plain and with a
``hann_window`` (COLA at 75% overlap), ``stft`` power (``tf.real(stfts * tf.conj(stfts))``)
and magnitude (``tf.abs``) spectrograms, log compression, the
``linear_to_mel_weight_matrix`` warp with ``tf.tensordot`` and ``set_shape``, log-mel
spectrograms and the first 13 ``mfccs_from_log_mel_spectrograms``.

Adapted: ``tf.contrib.signal`` is ``tf.signal`` (where TF 1.13+ moved it); the guide's
undefined ``sample_rate`` is 16 kHz; the signals fed are three generated one-second
clips (a chirp and two tones over a little noise, noise) in [-1, 1]; the results are
summarised as sums, means and shapes."""

from __future__ import annotations

import numpy as np

COMPARE = {"frames_shape": 0.0, "frames_sum": 1e-5, "patches_shape": 0.0,
           "patches_sum": 1e-4, "plain_ratio": 1e-5, "hann_error": 1e-4,
           "power_sum": 1e-4, "magnitude_sum": 1e-5, "log_magnitude_mean": 1e-5,
           "mel_shape": 0.0, "log_mel_mean": 1e-5, "mfccs_shape": 0.0,
           "mfcc0_mean": 1e-5, "mfccs_abs_sum": 1e-4}


def _clips():
    sr = 16000
    t = np.arange(sr) / sr
    rng = np.random.RandomState(3)
    chirp = 0.8 * np.sin(2 * np.pi * (200 * t + 1500 * t ** 2))
    tones = 0.4 * np.sin(2 * np.pi * 440 * t) + 0.3 * np.sin(2 * np.pi * 3000 * t)
    noise = rng.uniform(-0.5, 0.5, sr)
    # A little noise under the chirp and the tones keeps every STFT bin well above float
    # rounding, where ``log(|X| + 1e-6)`` would only measure the FFT's rounding.
    hiss = rng.uniform(-0.02, 0.02, (2, sr))
    return np.stack([chirp + hiss[0], tones + hiss[1], noise]).astype(np.float32)


def main(tf):
    sample_rate = 16000.0
    clips = _clips()

    # Framing variable length sequences
    signals = tf.placeholder(tf.float32, [None, None])
    frames = tf.signal.frame(signals, frame_length=128, frame_step=32)
    magnitude_spectrograms = tf.abs(tf.signal.stft(
        signals, frame_length=256, frame_step=64, fft_length=256))
    spectrogram_patches = tf.signal.frame(
        magnitude_spectrograms, frame_length=64, frame_step=16, axis=1)

    # Reconstructing framed sequences and applying a tapering window
    reconstructed_signals = tf.signal.overlap_and_add(frames, frame_step=32)
    frame_length = 128
    frame_step = 32
    windowed_frames = frames * tf.signal.hann_window(frame_length)
    hann_reconstructed = tf.signal.overlap_and_add(windowed_frames, frame_step)

    # Computing spectrograms
    stfts = tf.signal.stft(signals, frame_length=1024, frame_step=512, fft_length=1024)
    power_spectrograms = tf.real(stfts * tf.conj(stfts))
    magnitude_spectrograms = tf.abs(stfts)

    # Logarithmic compression
    log_offset = 1e-6
    log_magnitude_spectrograms = tf.log(magnitude_spectrograms + log_offset)

    # Computing log-mel spectrograms
    num_spectrogram_bins = magnitude_spectrograms.shape[-1].value
    lower_edge_hertz, upper_edge_hertz, num_mel_bins = 80.0, 7600.0, 64
    linear_to_mel_weight_matrix = tf.signal.linear_to_mel_weight_matrix(
        num_mel_bins, num_spectrogram_bins, sample_rate, lower_edge_hertz,
        upper_edge_hertz)
    mel_spectrograms = tf.tensordot(
        magnitude_spectrograms, linear_to_mel_weight_matrix, 1)
    mel_spectrograms.set_shape(magnitude_spectrograms.shape[:-1].concatenate(
        linear_to_mel_weight_matrix.shape[-1:]))
    log_offset = 1e-6
    log_mel_spectrograms = tf.log(mel_spectrograms + log_offset)

    # Computing Mel-Frequency Cepstral Coefficients (MFCCs)
    num_mfccs = 13
    mfccs = tf.signal.mfccs_from_log_mel_spectrograms(
        log_mel_spectrograms)[..., :num_mfccs]

    with tf.Session() as sess:
        (fr, patches, plain, hann, power, mag, logmag, logmel, mf) = sess.run(
            [frames, spectrogram_patches, reconstructed_signals, hann_reconstructed,
             power_spectrograms, magnitude_spectrograms, log_magnitude_spectrograms,
             log_mel_spectrograms, mfccs], {signals: clips})
    # The interior (past one frame at each end) of the Hann reconstruction is the signal
    # times the window sum (2 for a periodic Hann at 75% overlap).
    inner = slice(frame_length, clips.shape[1] - 2 * frame_length)
    hann_error = float(np.abs(hann[:, inner] / 2.0 - clips[:, inner]).max())
    plain_ratio = float(np.abs(plain[:, inner]).sum() / np.abs(clips[:, inner]).sum())
    return {"frames_shape": list(fr.shape), "frames_sum": float(fr.sum(dtype=np.float64)),
            "patches_shape": list(patches.shape),
            "patches_sum": float(patches.sum(dtype=np.float64)),
            "plain_ratio": plain_ratio, "hann_error": hann_error,
            "power_sum": float(power.sum(dtype=np.float64)),
            "magnitude_sum": float(mag.sum(dtype=np.float64)),
            "log_magnitude_mean": float(logmag.mean(dtype=np.float64)),
            "mel_shape": list(logmel.shape),
            "log_mel_mean": float(logmel.mean(dtype=np.float64)),
            "mfccs_shape": list(mf.shape), "mfcc0_mean": float(mf[..., 0].mean()),
            "mfccs_abs_sum": float(np.abs(mf).sum(dtype=np.float64))}
