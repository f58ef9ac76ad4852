"""k-means by hand: nfmcclure's tensorflow_cookbook, ``11_More_with_TensorFlow/
03_Clustering_Using_KMeans/03_k_means.py``. float64 ``Variable``s of the data and the
centroids, distances from ``tile``d and reshaped ``[n, k, d]`` tensors, ``argmin`` (int64)
groups, group means by ``unsorted_segment_sum`` of the data and of ``ones_like``, and one
``tf.group`` of two ``assign``s per generation.

Adapted: the iris download is replaced by 150 iris-shaped float64 rows, 50 per species
in order (normal draws around the real species' means, as :func:`common.load_iris`);
the starting centroids come from a seeded ``RandomState`` instead of the global
``np.random``; the PCA / cKDTree plot is left out."""

from __future__ import annotations

import numpy as np

COMPARE = {"group_counts": 0.0, "centers_sum": 1e-9, "accuracy": 0.0, "assignments_head": 0.0}


def _iris(rng):
    means = np.array([[5.0, 3.4, 1.5, 0.2], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]])
    return np.concatenate([m + rng.normal(0, 0.35, (50, 4)) for m in means])


def main(tf):
    rng = np.random.RandomState(3)
    iris_data = _iris(rng)
    sess = tf.Session()
    num_pts = len(iris_data)
    num_feats = len(iris_data[0])
    k = 3
    generations = 25

    data_points = tf.Variable(iris_data)
    cluster_labels = tf.Variable(tf.zeros([num_pts], dtype=tf.int64))
    rand_starts = np.array([iris_data[rng.choice(len(iris_data))] for _ in range(k)])
    centroids = tf.Variable(rand_starts)

    centroid_matrix = tf.reshape(tf.tile(centroids, [num_pts, 1]), [num_pts, k, num_feats])
    point_matrix = tf.reshape(tf.tile(data_points, [1, k]), [num_pts, k, num_feats])
    distances = tf.reduce_sum(tf.square(point_matrix - centroid_matrix), axis=2)
    centroid_group = tf.argmin(distances, 1)

    def data_group_avg(group_ids, data):
        sum_total = tf.unsorted_segment_sum(data, group_ids, 3)
        num_total = tf.unsorted_segment_sum(tf.ones_like(data), group_ids, 3)
        avg_by_group = sum_total / num_total
        return avg_by_group

    means = data_group_avg(centroid_group, data_points)
    update = tf.group(centroids.assign(means), cluster_labels.assign(centroid_group))
    init = tf.global_variables_initializer()
    sess.run(init)

    counts = []
    for _ in range(generations):
        _, centroid_group_count = sess.run([update, centroid_group])
        counts = [int(np.sum(centroid_group_count == ix)) for ix in range(k)]
    [centers, assignments] = sess.run([centroids, cluster_labels])
    sess.close()

    def most_common(my_list):
        return max(set(my_list), key=my_list.count)

    label0 = most_common(list(assignments[0:50]))
    label1 = most_common(list(assignments[50:100]))
    label2 = most_common(list(assignments[100:150]))
    group0_count = np.sum(assignments[0:50] == label0)
    group1_count = np.sum(assignments[50:100] == label1)
    group2_count = np.sum(assignments[100:150] == label2)
    accuracy = (group0_count + group1_count + group2_count) / 150.
    return {"group_counts": counts, "centers_sum": float(np.sum(centers)),
            "accuracy": float(accuracy), "assignments_head": [int(a) for a in assignments[::10]]}
