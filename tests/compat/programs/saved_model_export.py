"""TensorFlow Serving's ``mnist_saved_model.py`` (tensorflow/serving,
``tensorflow_serving/example/mnist_saved_model.py``, TF 1.x): softmax regression on MNIST
fed through ``tf.parse_example``, exported with ``SavedModelBuilder`` with a Classify
signature (top-10 classes as strings from a lookup table, their scores) as the serving
default and a Predict signature ``predict_images``, ``legacy_init_op`` =
``tables_initializer``.

Adapted: the bundled digits from ``common`` instead of the download, 100 training steps
instead of 1000, the flags replaced by their values (model_version 1, a temporary
export base), Python 3 ``print``/``range``; ``tf.contrib.lookup`` is looked up in TF
2.x's ``lookup_ops`` (no ``tf.contrib`` there). Added after the export: what a serving
client does — load the SavedModel into a fresh graph with ``loader.load`` and run both
signatures (the Predict one on the test images, the Classify one on serialized
``tf.train.Example`` protos), reporting their results.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import read_data_sets

COMPARE = {"training_accuracy": 1e-6, "loaded_accuracy": 1e-6, "loaded_score_sum": 1e-4,
           "top_classes": 0.0, "top_scores_mean": 1e-5, "exported_files": 0.0,
           "signature_keys": 0.0}


def contrib_lookup(tf):
    """``tf.contrib.lookup`` where it exists (TF 1.x, trainkit), else TF 2.x's home of
    the same functions."""
    contrib = getattr(tf, "contrib", None)
    if contrib is not None:
        return contrib.lookup
    from tensorflow.python.ops import lookup_ops

    return lookup_ops


def main(tf):
    saved_model_builder = tf.saved_model.builder
    signature_constants = tf.saved_model.signature_constants
    signature_def_utils = tf.saved_model.signature_def_utils
    tag_constants = tf.saved_model.tag_constants
    utils = tf.saved_model.utils
    compat = tf.compat
    training_iteration, model_version = 100, 1

    # Train model
    print('Training model...')
    mnist = read_data_sets("/tmp", one_hot=True)
    sess = tf.InteractiveSession()
    serialized_tf_example = tf.placeholder(tf.string, name='tf_example')
    feature_configs = {'x': tf.FixedLenFeature(shape=[784], dtype=tf.float32), }
    tf_example = tf.parse_example(serialized_tf_example, feature_configs)
    x = tf.identity(tf_example['x'], name='x')  # use tf.identity() to assign name
    y_ = tf.placeholder('float', shape=[None, 10])
    w = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    sess.run(tf.global_variables_initializer())
    y = tf.nn.softmax(tf.matmul(x, w) + b, name='y')
    cross_entropy = -tf.reduce_sum(y_ * tf.log(y))
    train_step = tf.train.GradientDescentOptimizer(0.01).minimize(cross_entropy)
    values, indices = tf.nn.top_k(y, 10)
    table = contrib_lookup(tf).index_to_string_table_from_tensor(
        tf.constant([str(i) for i in range(10)]))
    prediction_classes = table.lookup(tf.to_int64(indices))
    for _ in range(training_iteration):
        batch = mnist.train.next_batch(50)
        train_step.run(feed_dict={x: batch[0], y_: batch[1]})
    correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, 'float'))
    training_accuracy = sess.run(accuracy, feed_dict={x: mnist.test.images,
                                                      y_: mnist.test.labels})
    print('training accuracy %g' % training_accuracy)  # noqa: UP031 - the author's line
    print('Done training!')

    # Export model
    export_path_base = tempfile.mkdtemp()
    export_path = os.path.join(
        compat.as_bytes(export_path_base),
        compat.as_bytes(str(model_version)))
    print('Exporting trained model to', export_path)
    builder = saved_model_builder.SavedModelBuilder(export_path)

    # Build the signature_def_map.
    classification_inputs = utils.build_tensor_info(serialized_tf_example)
    classification_outputs_classes = utils.build_tensor_info(prediction_classes)
    classification_outputs_scores = utils.build_tensor_info(values)

    classification_signature = signature_def_utils.build_signature_def(
        inputs={signature_constants.CLASSIFY_INPUTS: classification_inputs},
        outputs={
            signature_constants.CLASSIFY_OUTPUT_CLASSES:
                classification_outputs_classes,
            signature_constants.CLASSIFY_OUTPUT_SCORES:
                classification_outputs_scores
        },
        method_name=signature_constants.CLASSIFY_METHOD_NAME)

    tensor_info_x = utils.build_tensor_info(x)
    tensor_info_y = utils.build_tensor_info(y)

    prediction_signature = signature_def_utils.build_signature_def(
        inputs={'images': tensor_info_x},
        outputs={'scores': tensor_info_y},
        method_name=signature_constants.PREDICT_METHOD_NAME)

    legacy_init_op = tf.group(tf.tables_initializer(), name='legacy_init_op')
    builder.add_meta_graph_and_variables(
        sess, [tag_constants.SERVING],
        signature_def_map={
            'predict_images':
                prediction_signature,
            signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY:
                classification_signature,
        },
        legacy_init_op=legacy_init_op)

    builder.save()
    sess.close()
    print('Done exporting!')

    # Added: load the export as a serving client would, and run both signatures.
    export_dir = export_path.decode()
    exported_files = sorted(os.listdir(export_dir))
    with tf.Session(graph=tf.Graph()) as serving:
        meta = tf.saved_model.loader.load(serving, [tag_constants.SERVING], export_dir)
        graph = serving.graph
        predict = meta.signature_def['predict_images']
        images = graph.get_tensor_by_name(predict.inputs['images'].name)
        scores = graph.get_tensor_by_name(predict.outputs['scores'].name)
        probabilities = serving.run(scores, {images: mnist.test.images})
        classify = meta.signature_def[signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY]
        examples = [tf.train.Example(features=tf.train.Features(feature={
            'x': tf.train.Feature(float_list=tf.train.FloatList(value=image.tolist()))}))
            .SerializeToString() for image in mnist.test.images[:20]]
        classes, top_scores = serving.run(
            [classify.outputs['classes'].name, classify.outputs['scores'].name],
            {classify.inputs['inputs'].name: examples})
    labels = np.argmax(mnist.test.labels, 1)
    return {"training_accuracy": float(training_accuracy),
            "loaded_accuracy": float(np.mean(np.argmax(probabilities, 1) == labels)),
            "loaded_score_sum": float(np.sum(probabilities * mnist.test.labels)),
            "top_classes": [c.decode() for c in classes[:, 0]],
            "top_scores_mean": float(np.mean(top_scores[:, 0])),
            "exported_files": exported_files,
            "signature_keys": sorted(meta.signature_def)}
