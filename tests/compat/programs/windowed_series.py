"""The ``windowed_dataset`` time-series pipeline of the 2019 "Sequences, Time Series and
Prediction" course (TF 1.13-2.0 era, ``tf.data.Dataset.window``): the synthetic series
``trend + seasonality + noise`` (the course's ``trend``, ``seasonal_pattern``,
``seasonality`` and ``noise`` functions, ``split_time``), ``Dataset.from_tensor_slices(
series).window(window_size + 1, shift=1, drop_remainder=True)``, ``flat_map(lambda
window: window.batch(window_size + 1))``, ``map`` splitting each window into
``(window[:-1], window[-1])``, ``batch(batch_size).prefetch(1)``; a single dense layer
trained with ``SGD(momentum=0.9)`` on mean squared error; then the forecast over the
validation period (windows of the whole series, ``model_forecast``) and its mean
absolute error. Run as a TF1 graph program (``tf.layers.dense``, a ``Session`` loop over
an initializable iterator per epoch, ``tf.train.MomentumOptimizer``); the naive
forecast's error and the series statistics are taken with ``Dataset.reduce``, and a
two-component window (a ``zip`` of the windows in ``flat_map``) checks the window order.

Adapted: the ``shuffle(shuffle_buffer)`` is left out (its order is backend-specific);
a shorter series (600 steps, split at 500) and 5 epochs instead of 100, with learning
rate 1e-5 instead of 1e-6 for the shorter run; the window width set statically
(``set_shape``, what Keras' ``input_shape=[window_size]`` gave the course's model); the
same starting weights on both backends."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"train_loss": 1e-4, "mae": 1e-4, "naive_mae": 1e-5, "series_mean": 1e-6,
           "windows_per_epoch": 0.0, "first_window": 0.0, "pair_windows": 0.0,
           "forecast_shape": 0.0}


def plot_free_series():
    def trend(time, slope=0):
        return slope * time

    def seasonal_pattern(season_time):
        """Just an arbitrary pattern, you can change it if you wish"""
        return np.where(season_time < 0.4, np.cos(season_time * 2 * np.pi),
                        1 / np.exp(3 * season_time))

    def seasonality(time, period, amplitude=1, phase=0):
        """Repeats the same pattern at each period"""
        season_time = ((time + phase) % period) / period
        return amplitude * seasonal_pattern(season_time)

    def noise(time, noise_level=1, seed=None):
        rnd = np.random.RandomState(seed)
        return rnd.randn(len(time)) * noise_level

    time = np.arange(600, dtype="float32")
    baseline, amplitude, slope, noise_level = 10, 40, 0.05, 5
    series = baseline + trend(time, slope) + seasonality(time, period=365,
                                                          amplitude=amplitude)
    series += noise(time, noise_level, seed=42)
    return time, series.astype("float32")


def main(tf):
    time, series = plot_free_series()
    split_time = 500
    x_train = series[:split_time]
    window_size, batch_size = 20, 32

    def windowed_dataset(series, window_size, batch_size):
        dataset = tf.data.Dataset.from_tensor_slices(series)
        dataset = dataset.window(window_size + 1, shift=1, drop_remainder=True)
        dataset = dataset.flat_map(lambda window: window.batch(window_size + 1))
        dataset = dataset.map(lambda window: (window[:-1], window[-1]))
        dataset = dataset.batch(batch_size).prefetch(1)
        return dataset

    dataset = windowed_dataset(x_train, window_size, batch_size)
    iterator = dataset.make_initializable_iterator()
    x, y = iterator.get_next()
    x.set_shape([None, window_size])
    prediction = tf.layers.dense(x, 1, name="l0")
    loss = tf.losses.mean_squared_error(tf.reshape(y, [-1, 1]), prediction)
    train_op = tf.train.MomentumOptimizer(learning_rate=1e-5, momentum=0.9).minimize(loss)

    def model_forecast(series, window_size):
        ds = tf.data.Dataset.from_tensor_slices(series)
        ds = ds.window(window_size, shift=1, drop_remainder=True)
        ds = ds.flat_map(lambda w: w.batch(window_size))
        ds = ds.batch(32).prefetch(1)
        return ds

    forecast_ds = model_forecast(series[split_time - window_size:-1], window_size)
    forecast_x = forecast_ds.make_initializable_iterator()
    fx = forecast_x.get_next()
    fx.set_shape([None, window_size])
    with tf.variable_scope("", reuse=True):
        forecast = tf.layers.dense(fx, 1, name="l0")

    # Dataset.reduce: the series mean, and the naive (previous value) forecast's error.
    x_ds = tf.data.Dataset.from_tensor_slices(x_train)
    count_sum = x_ds.reduce((np.int64(0), np.float32(0)),
                            lambda state, v: (state[0] + 1, state[1] + v))
    series_mean = count_sum[1] / tf.cast(count_sum[0], tf.float32)
    valid = series[split_time - 1:]
    pairs = tf.data.Dataset.from_tensor_slices((valid[:-1], valid[1:]))
    naive_abs = pairs.reduce(np.float32(0), lambda s, p: s + tf.abs(p[1] - p[0]))
    naive_mae = naive_abs / float(len(valid) - 1)

    # Two components: the windows of (time, value) zipped back together.
    two = tf.data.Dataset.from_tensor_slices((np.int64(time[:8]), series[:8]))
    two = two.window(3, shift=2, stride=2, drop_remainder=False).flat_map(
        lambda t, v: tf.data.Dataset.zip((t.batch(3), v.batch(3))))
    two_next = two.make_one_shot_iterator().get_next()

    windows_per_epoch = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, biases=True)
        for epoch in range(5):
            sess.run(iterator.initializer)
            n = 0
            while True:
                try:
                    _, loss_value, xb = sess.run([train_op, loss, x])
                    if epoch == 0 and n == 0:
                        first_window = np.round(xb[1, :3], 3).tolist()
                    n += xb.shape[0]
                except tf.errors.OutOfRangeError:
                    break
            windows_per_epoch.append(n)
        sess.run(forecast_x.initializer)
        outs = []
        while True:
            try:
                outs.append(sess.run(forecast))
            except tf.errors.OutOfRangeError:
                break
        results = np.concatenate(outs)[:, 0]
        mae = float(np.mean(np.abs(series[split_time:] - results)))
        mean_value, naive_value = sess.run([series_mean, naive_mae])
        pair_windows = []
        while True:
            try:
                t, _ = sess.run(two_next)
                pair_windows.append(t.tolist())
            except tf.errors.OutOfRangeError:
                break
    return {"train_loss": float(loss_value), "mae": mae, "naive_mae": float(naive_value),
            "series_mean": float(mean_value), "windows_per_epoch": windows_per_epoch,
            "first_window": first_window, "pair_windows": pair_windows,
            "forecast_shape": list(np.concatenate(outs).shape)}
