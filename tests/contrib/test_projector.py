"""``tf.contrib.tensorboard.plugins.projector``: the ``projector_config.pbtxt`` trainkit
writes is read back by TensorBoard's own ``ProjectorConfig`` proto (``text_format``, as
the projector plugin reads it), field for field."""

from __future__ import annotations

import pytest
from google.protobuf import text_format
from tensorboard.plugins.projector import projector_config_pb2

import trainkit as tk

projector = tk.contrib.tensorboard.plugins.projector


def test_config_written_where_tensorboard_reads_it(tmp_path):
    with tk.Graph().as_default():
        emb = tk.get_variable("embedding", shape=[10, 4])
        writer = tk.summary.FileWriter(str(tmp_path))
        config = projector.ProjectorConfig()
        e = config.embeddings.add()
        e.tensor_name = emb.name
        e.metadata_path = 'meta "words".tsv'
        e.sprite.image_path = "sprite.png"
        e.sprite.single_image_dim.extend([28, 28])
        e.tensor_path = "values.tsv"
        config.embeddings.add(tensor_name="second:0", tensor_shape=[3, 2])
        projector.visualize_embeddings(writer, config)
        writer.close()
    parsed = text_format.Parse((tmp_path / "projector_config.pbtxt").read_text(),
                               projector_config_pb2.ProjectorConfig())
    first, second = parsed.embeddings
    assert (first.tensor_name, first.metadata_path, first.tensor_path) == (
        "embedding:0", 'meta "words".tsv', "values.tsv")
    assert (first.sprite.image_path, list(first.sprite.single_image_dim)) == \
        ("sprite.png", [28, 28])
    assert (second.tensor_name, list(second.tensor_shape)) == ("second:0", [3, 2])
    assert not second.HasField("sprite")


def test_bad_arguments():
    class NoDir:
        def get_logdir(self):
            return ""

    with pytest.raises(ValueError, match="logdir"):
        projector.visualize_embeddings(NoDir(), projector.ProjectorConfig())
    with pytest.raises(TypeError, match="ProjectorConfig"):
        projector.visualize_embeddings(NoDir(), {"embeddings": []})
