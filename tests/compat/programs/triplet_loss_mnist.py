"""Online triplet mining on MNIST embeddings, from omoindrot/tensorflow-triplet-loss:
``model/triplet_loss.py`` whole (``_pairwise_distances`` with ``tf.diag_part`` and the
sqrt-at-zero epsilon mask, the masks built on ``tf.eye(tf.shape(labels)[0])``,
``batch_all_triplet_loss`` and ``batch_hard_triplet_loss`` with their
``tf.summary.scalar``s) and ``model/model_fn.py``'s ``build_model`` (two blocks of
``tf.layers.conv2d`` -> ``batch_normalization`` -> relu -> ``max_pooling2d``, a dense
embedding) plus its training op (``tf.norm`` embedding summary, Adam under the
``UPDATE_OPS`` control dependency, ``tf.train.get_global_step``).

Adapted: MNIST is the bundled digits at 28x28; the ``tf.estimator`` wrapper becomes the
plain session loop of the repository's earlier ``model/training.py`` (feeding batches in
order); ``experiments/{base_model,batch_hard}/params.json`` become settings classes
(batch norm off as there; smaller batches and channels); 24 steps of each strategy;
same starting weights. Measured against TF 2.21: the batch-all loss and fraction agree to
1e-7, the batch-hard loss to 7e-6; the batch-hard run's mean embedding norm drifts to
8e-4 relative (from 1e-5 after the first step: Adam's first updates are about the sign
of each gradient, so round-off in near-zero gradients moves some weights by whole
learning-rate steps, and hard-example mining then picks slightly different pairs)."""

from __future__ import annotations

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"all_loss": 1e-5, "all_fraction": 1e-5, "hard_loss": 5e-5, "mean_norm": 2e-3,
           "global_step": 0.0, "summaries": 0.0}


class Params:
    """``experiments/base_model/params.json`` (batch size and channels reduced)."""

    image_size = 28
    num_channels = 8
    bn_momentum = 0.9
    use_batch_norm = False
    embedding_size = 16
    margin = 0.2
    squared = False
    learning_rate = 1e-3
    batch_size = 32


class HardParams(Params):
    """``experiments/batch_hard/params.json``'s margin and learning rate."""

    margin = 0.5
    learning_rate = 1e-4


def _triplet_loss_module(tf):
    def _pairwise_distances(embeddings, squared=False):
        dot_product = tf.matmul(embeddings, tf.transpose(embeddings))
        square_norm = tf.diag_part(dot_product)
        distances = (tf.expand_dims(square_norm, 1) - 2.0 * dot_product
                     + tf.expand_dims(square_norm, 0))
        distances = tf.maximum(distances, 0.0)
        if not squared:
            mask = tf.to_float(tf.equal(distances, 0.0))
            distances = distances + mask * 1e-16
            distances = tf.sqrt(distances)
            distances = distances * (1.0 - mask)
        return distances

    def _get_anchor_positive_triplet_mask(labels):
        indices_equal = tf.cast(tf.eye(tf.shape(labels)[0]), tf.bool)
        indices_not_equal = tf.logical_not(indices_equal)
        labels_equal = tf.equal(tf.expand_dims(labels, 0), tf.expand_dims(labels, 1))
        return tf.logical_and(indices_not_equal, labels_equal)

    def _get_anchor_negative_triplet_mask(labels):
        labels_equal = tf.equal(tf.expand_dims(labels, 0), tf.expand_dims(labels, 1))
        return tf.logical_not(labels_equal)

    def _get_triplet_mask(labels):
        indices_equal = tf.cast(tf.eye(tf.shape(labels)[0]), tf.bool)
        indices_not_equal = tf.logical_not(indices_equal)
        i_not_equal_j = tf.expand_dims(indices_not_equal, 2)
        i_not_equal_k = tf.expand_dims(indices_not_equal, 1)
        j_not_equal_k = tf.expand_dims(indices_not_equal, 0)
        distinct_indices = tf.logical_and(tf.logical_and(i_not_equal_j, i_not_equal_k),
                                          j_not_equal_k)
        label_equal = tf.equal(tf.expand_dims(labels, 0), tf.expand_dims(labels, 1))
        i_equal_j = tf.expand_dims(label_equal, 2)
        i_equal_k = tf.expand_dims(label_equal, 1)
        valid_labels = tf.logical_and(i_equal_j, tf.logical_not(i_equal_k))
        return tf.logical_and(distinct_indices, valid_labels)

    def batch_all_triplet_loss(labels, embeddings, margin, squared=False):
        pairwise_dist = _pairwise_distances(embeddings, squared=squared)
        anchor_positive_dist = tf.expand_dims(pairwise_dist, 2)
        assert anchor_positive_dist.shape[2] == 1
        anchor_negative_dist = tf.expand_dims(pairwise_dist, 1)
        assert anchor_negative_dist.shape[1] == 1
        triplet_loss = anchor_positive_dist - anchor_negative_dist + margin
        mask = _get_triplet_mask(labels)
        mask = tf.to_float(mask)
        triplet_loss = tf.multiply(mask, triplet_loss)
        triplet_loss = tf.maximum(triplet_loss, 0.0)
        valid_triplets = tf.to_float(tf.greater(triplet_loss, 1e-16))
        num_positive_triplets = tf.reduce_sum(valid_triplets)
        num_valid_triplets = tf.reduce_sum(mask)
        fraction_positive_triplets = num_positive_triplets / (num_valid_triplets + 1e-16)
        triplet_loss = tf.reduce_sum(triplet_loss) / (num_positive_triplets + 1e-16)
        return triplet_loss, fraction_positive_triplets

    def batch_hard_triplet_loss(labels, embeddings, margin, squared=False):
        pairwise_dist = _pairwise_distances(embeddings, squared=squared)
        mask_anchor_positive = tf.to_float(_get_anchor_positive_triplet_mask(labels))
        anchor_positive_dist = tf.multiply(mask_anchor_positive, pairwise_dist)
        hardest_positive_dist = tf.reduce_max(anchor_positive_dist, axis=1, keepdims=True)
        tf.summary.scalar("hardest_positive_dist", tf.reduce_mean(hardest_positive_dist))
        mask_anchor_negative = tf.to_float(_get_anchor_negative_triplet_mask(labels))
        max_anchor_negative_dist = tf.reduce_max(pairwise_dist, axis=1, keepdims=True)
        anchor_negative_dist = pairwise_dist + max_anchor_negative_dist * (
            1.0 - mask_anchor_negative)
        hardest_negative_dist = tf.reduce_min(anchor_negative_dist, axis=1, keepdims=True)
        tf.summary.scalar("hardest_negative_dist", tf.reduce_mean(hardest_negative_dist))
        triplet_loss = tf.maximum(hardest_positive_dist - hardest_negative_dist + margin, 0.0)
        return tf.reduce_mean(triplet_loss)

    return batch_all_triplet_loss, batch_hard_triplet_loss


def build_model(tf, is_training, images, params):
    out = images
    num_channels = params.num_channels
    channels = [num_channels, num_channels * 2]
    for i, c in enumerate(channels):
        with tf.variable_scope(f"block_{i + 1}"):
            out = tf.layers.conv2d(out, c, 3, padding="same")
            if params.use_batch_norm:
                out = tf.layers.batch_normalization(out, momentum=params.bn_momentum,
                                                    training=is_training)
            out = tf.nn.relu(out)
            out = tf.layers.max_pooling2d(out, 2, 2)
    assert out.shape[1:] == [7, 7, num_channels * 2]
    out = tf.reshape(out, [-1, 7 * 7 * num_channels * 2])
    with tf.variable_scope("fc_1"):
        out = tf.layers.dense(out, params.embedding_size)
    return out


def _train(tf, strategy, mnist, params, steps):
    batch_all_triplet_loss, batch_hard_triplet_loss = _triplet_loss_module(tf)
    with tf.Graph().as_default():
        tf.train.create_global_step()
        features = tf.placeholder(tf.float32, [None, 784])
        labels_in = tf.placeholder(tf.int64, [None])
        images = tf.reshape(features, [-1, params.image_size, params.image_size, 1])
        with tf.variable_scope("model"):
            embeddings = build_model(tf, True, images, params)
        embedding_mean_norm = tf.reduce_mean(tf.norm(embeddings, axis=1))
        tf.summary.scalar("embedding_mean_norm", embedding_mean_norm)
        labels = tf.cast(labels_in, tf.int64)
        fraction = tf.constant(0.0)
        if strategy == "batch_all":
            loss, fraction = batch_all_triplet_loss(labels, embeddings, margin=params.margin,
                                                    squared=params.squared)
        else:
            loss = batch_hard_triplet_loss(labels, embeddings, margin=params.margin,
                                           squared=params.squared)
        tf.summary.scalar("loss", loss)
        optimizer = tf.train.AdamOptimizer(params.learning_rate)
        global_step = tf.train.get_global_step()
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            train_op = optimizer.minimize(loss, global_step=global_step)
        summary_op = tf.summary.merge_all()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            same_start(sess, tf)
            for _ in range(steps):
                x, y = mnist.train.next_batch(params.batch_size)
                out = sess.run([train_op, loss, fraction, embedding_mean_norm, summary_op],
                               {features: x, labels_in: y})
            step = sess.run(global_step)
        names = sorted(v.op.name for v in tf.get_collection(tf.GraphKeys.SUMMARIES))
        return out[1], out[2], out[3], int(step), names


def main(tf):
    mnist = read_data_sets("/tmp/data/", one_hot=False)
    all_loss, all_fraction, _, step_a, names_a = _train(tf, "batch_all", mnist, Params(), 24)
    hard_loss, _, mean_norm, step_h, names_h = _train(tf, "batch_hard", mnist, HardParams(),
                                                      24)
    return {"all_loss": float(all_loss), "all_fraction": float(all_fraction),
            "hard_loss": float(hard_loss), "mean_norm": float(mean_norm),
            "global_step": [step_a, step_h], "summaries": names_a + names_h}
