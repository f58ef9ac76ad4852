"""Tacotron's TensorFlow Griffin-Lim vocoder, from keithito/tacotron ``util/audio.py``
(``inv_spectrogram_tensorflow``: ``_denormalize_tensorflow``, ``_db_to_amp_tensorflow``
with ``tf.pow``, ``_griffin_lim_tensorflow``: the magnitudes cast to ``complex64``, 60
rounds of ``tf.contrib.signal.stft`` (``pad_end=False``) and ``inverse_stft`` with the
phase ``est / tf.cast(tf.maximum(1e-8, tf.abs(est)), tf.complex64)``; ``_stft_parameters``)
with the audio settings of its ``hparams.py`` (1025 frequency bins, 20 kHz, 50 ms frames
every 12.5 ms, pre-emphasis 0.97, -100 dB floor, 20 dB reference, power 1.5, 60
iterations) and ``synthesizer.py``'s use: run the graph on a linear spectrogram, then
``inv_preemphasis`` and ``find_endpoint``.

Adapted: ``tf.contrib.signal`` is ``tf.signal``; the spectrogram fed is not a trained
model's output but ``audio.spectrogram`` of a generated half-second clip (two gliding
harmonics, a pause, noise), with librosa's centred Hann STFT and scipy's ``lfilter``
written in NumPy; the result is summarised (energy, spectral convergence against the
target magnitudes, endpoint)."""

from __future__ import annotations

import numpy as np

COMPARE = {"wav_abs_sum": 1e-5, "wav_energy": 1e-5, "spectral_convergence": 1e-5,
           "endpoint": 0.0, "samples": 0.0, "spectrogram_shape": 0.0}


class hparams:  # noqa: N801 (the module-level name the source uses)
    num_freq = 1025
    sample_rate = 20000
    frame_length_ms = 50
    frame_shift_ms = 12.5
    preemphasis = 0.97
    min_level_db = -100
    ref_level_db = 20
    griffin_lim_iters = 60
    power = 1.5


def _stft_parameters():
    n_fft = (hparams.num_freq - 1) * 2
    hop_length = int(hparams.frame_shift_ms / 1000 * hparams.sample_rate)
    win_length = int(hparams.frame_length_ms / 1000 * hparams.sample_rate)
    return n_fft, hop_length, win_length


# NumPy side of util/audio.py (librosa.stft and scipy.signal.lfilter written out).
def _lfilter_fir(x, a):
    y = x.copy()
    y[1:] -= a * x[:-1]
    return y


def _lfilter_iir(x, a):
    y = np.zeros_like(x)
    prev = 0.0
    for i, v in enumerate(x):
        prev = v + a * prev
        y[i] = prev
    return y


def preemphasis(x):
    return _lfilter_fir(x, hparams.preemphasis)


def inv_preemphasis(x):
    return _lfilter_iir(x, hparams.preemphasis)


def _stft(y):
    n_fft, hop_length, win_length = _stft_parameters()
    window = np.zeros(n_fft)
    start = (n_fft - win_length) // 2
    window[start:start + win_length] = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(win_length)
                                                          / win_length)
    padded = np.pad(y, n_fft // 2, mode='reflect')
    count = 1 + (len(padded) - n_fft) // hop_length
    frames = np.stack([padded[i * hop_length:i * hop_length + n_fft] for i in range(count)])
    return np.fft.rfft(frames * window, axis=1).T  # [freq, time] as librosa


def _amp_to_db(x):
    return 20 * np.log10(np.maximum(1e-5, x))


def _normalize(S):
    return np.clip((S - hparams.min_level_db) / -hparams.min_level_db, 0, 1)


def spectrogram(y):
    D = _stft(preemphasis(y))
    S = _amp_to_db(np.abs(D)) - hparams.ref_level_db
    return _normalize(S)


def find_endpoint(wav, threshold_db=-40, min_silence_sec=0.8):
    window_length = int(hparams.sample_rate * min_silence_sec)
    hop_length = int(window_length / 4)
    threshold = np.power(10.0, threshold_db * 0.05)
    for x in range(hop_length, len(wav) - window_length, hop_length):
        if np.max(wav[x:x + window_length]) < threshold:
            return x + hop_length
    return len(wav)


def _clip():
    sr = hparams.sample_rate
    t = np.arange(sr // 2) / sr
    rng = np.random.RandomState(12)
    f0 = 180 + 120 * t
    voice = 0.5 * np.sin(2 * np.pi * np.cumsum(f0) / sr) \
        + 0.25 * np.sin(4 * np.pi * np.cumsum(f0) / sr)
    voice[int(0.3 * sr):int(0.35 * sr)] = 0.0
    return (voice + 0.01 * rng.randn(len(t))).astype(np.float32)


def main(tf):
    def inv_spectrogram_tensorflow(spectrogram):
        S = _db_to_amp_tensorflow(_denormalize_tensorflow(spectrogram)
                                  + hparams.ref_level_db)
        return _griffin_lim_tensorflow(tf.pow(S, hparams.power))

    def _griffin_lim_tensorflow(S):
        with tf.variable_scope('griffinlim'):
            # TensorFlow's stft and istft operate on a batch of spectrograms
            S = tf.expand_dims(S, 0)
            S_complex = tf.identity(tf.cast(S, dtype=tf.complex64))
            y = _istft_tensorflow(S_complex)
            for _i in range(hparams.griffin_lim_iters):
                est = _stft_tensorflow(y)
                angles = est / tf.cast(tf.maximum(1e-8, tf.abs(est)), tf.complex64)
                y = _istft_tensorflow(S_complex * angles)
            return tf.squeeze(y, 0)

    def _stft_tensorflow(signals):
        n_fft, hop_length, win_length = _stft_parameters()
        return tf.signal.stft(signals, win_length, hop_length, n_fft, pad_end=False)

    def _istft_tensorflow(stfts):
        n_fft, hop_length, win_length = _stft_parameters()
        return tf.signal.inverse_stft(stfts, win_length, hop_length, n_fft)

    def _denormalize_tensorflow(S):
        return (tf.clip_by_value(S, 0, 1) * -hparams.min_level_db) + hparams.min_level_db

    def _db_to_amp_tensorflow(x):
        return tf.pow(tf.ones(tf.shape(x)) * 10.0, x * 0.05)

    # synthesizer.py
    spec = spectrogram(_clip()).T.astype(np.float32)  # [time, freq], the model's layout
    spec_input = tf.placeholder(tf.float32, [None, hparams.num_freq], 'spectrogram')
    wav_output = inv_spectrogram_tensorflow(spec_input)
    with tf.Session() as sess:
        wav = sess.run(wav_output, {spec_input: spec})
    wav = inv_preemphasis(wav.astype(np.float64))
    end = find_endpoint(wav)

    target = np.abs(_stft(preemphasis(wav)))
    want = np.power(np.power(10.0, ((np.clip(spec.T, 0, 1) * -hparams.min_level_db)
                                    + hparams.min_level_db + hparams.ref_level_db) * 0.05),
                    hparams.power)
    frames = min(target.shape[1], want.shape[1])
    convergence = np.linalg.norm(target[:, :frames] / target.max() - want[:, :frames]
                                 / want.max()) / np.linalg.norm(want[:, :frames] / want.max())
    return {"wav_abs_sum": float(np.abs(wav).sum()), "wav_energy": float(np.sum(wav ** 2)),
            "spectral_convergence": float(convergence), "endpoint": [int(end)],
            "samples": [len(wav)], "spectrogram_shape": list(spec.shape)}
