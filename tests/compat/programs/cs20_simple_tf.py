"""Simple ops: Stanford CS20 ("TensorFlow for Deep Learning Research", Chip Huyen), repo
``chiphuyen/stanford-tensorflow-tutorials``, ``examples/02_simple_tf.py`` at commit
51e53daaa2a32cfe7a1966f060b28dbbd081791c. Named constants added and written by a
``FileWriter``; "the wonderful wizard of div": ``tf.div``, ``tf.divide``, ``tf.truediv``,
``tf.floordiv``, ``tf.truncatediv`` and ``tf.floor_div`` of an int32 matrix by a
broadcast vector (integer or float results by op); ``tf.multiply`` and
``tf.tensordot(a, b, 1)``; ``zeros_like`` / ``ones_like`` of Python scalars, a list of
strings and a nested list of booleans; ``tf.int32.as_numpy_dtype()``; a graph's
``as_graph_def()``.

Adapted: the events go to a temporary directory; the prints are returned (the
``zeros_like`` / ``ones_like`` tensors, which the script only makes, are run as well); the
script's default graph is a ``tf.Graph()`` of its own; of the printed ``GraphDef`` the
``my_const`` node's op, public attributes, dtype and shape are returned."""

from __future__ import annotations

import os
import tempfile

COMPARE = {"add": 0.0, "divs": 0.0, "div_dtypes": 0.0, "products": 0.0, "likes": 0.0,
           "numpy_dtype": 0.0, "my_const_node": 0.0}


def main(tf):
    work = tempfile.mkdtemp()
    out = {}
    with tf.Graph().as_default():
        # Example 1: Simple ways to create log file writer
        a = tf.constant(2, name='a')
        b = tf.constant(3, name='b')
        x = tf.add(a, b, name='add')
        writer = tf.summary.FileWriter(os.path.join(work, 'graphs/simple'),
                                       tf.get_default_graph())
        with tf.Session() as sess:
            # writer = tf.summary.FileWriter('./graphs', sess.graph)
            out["add"] = [int(sess.run(x)), x.name]
        writer.close()  # close the writer when you’re done using it

        # Example 2: The wonderful wizard of div
        a = tf.constant([2, 2], name='a')
        b = tf.constant([[0, 1], [2, 3]], name='b')

        with tf.Session() as sess:
            divs = [tf.div(b, a), tf.divide(b, a), tf.truediv(b, a), tf.floordiv(b, a),
                    # print(sess.run(tf.realdiv(b, a)))
                    tf.truncatediv(b, a), tf.floor_div(b, a)]
            out["divs"] = [sess.run(d).tolist() for d in divs]
            out["div_dtypes"] = [d.dtype.name for d in divs]

        # Example 3: multiplying tensors
        a = tf.constant([10, 20], name='a')
        b = tf.constant([2, 3], name='b')

        with tf.Session() as sess:
            out["products"] = [sess.run(tf.multiply(a, b)).tolist(),
                               int(sess.run(tf.tensordot(a, b, 1)))]

        # Example 4: Python native type
        t_0 = 19
        x = tf.zeros_like(t_0)  # ==> 0
        y = tf.ones_like(t_0)  # ==> 1
        likes = [x, y]

        t_1 = ['apple', 'peach', 'banana']
        x = tf.zeros_like(t_1)  # ==> ['' '' '']
        # y = tf.ones_like(t_1)  # ==> TypeError: Expected string, got 1 of type 'int'
        likes.append(x)

        t_2 = [[True, False, False],
               [False, False, True],
               [False, True, False]]
        x = tf.zeros_like(t_2)  # ==> 3x3 tensor, all elements are False
        y = tf.ones_like(t_2)  # ==> 3x3 tensor, all elements are True
        likes += [x, y]
        with tf.Session() as sess:
            values = sess.run(likes)
        out["likes"] = [[t.dtype.name, v.tolist() if hasattr(v, "tolist") else v]
                        for t, v in zip(likes, values)]
        out["likes"][2][1] = [s.decode() if isinstance(s, bytes) else s
                              for s in out["likes"][2][1]]

        out["numpy_dtype"] = [repr(tf.int32.as_numpy_dtype())]

        # Example 5: printing your graph's definition
        my_const = tf.constant([1.0, 2.0], name='my_const')  # noqa: F841
        (node,) = [n for n in tf.get_default_graph().as_graph_def().node
                   if n.name == 'my_const']
        # (trainkit's NodeDefs also carry private "_..." attributes that let
        # import_graph_def rebuild the op exactly; TF's have none here)
        out["my_const_node"] = [node.op, sorted(k for k in node.attr if not k.startswith("_")),
                                node.attr["dtype"].type,
                                [d.size for d in node.attr["value"].tensor.tensor_shape.dim]]
    return out
