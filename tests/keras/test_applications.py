"""``tk.keras.applications`` beyond the recorded TF comparison
(``test_applications_vs_tf.py``): the refusal of ImageNet weights, weights from a local
checkpoint, ``input_tensor``, ``preprocess_input`` against hand-computed NumPy,
``decode_predictions`` with a given class index, the shape helpers, graph-building time
and a few training steps.
"""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

import trainkit as tk
from trainkit.keras.applications import imagenet_utils, model_io

K = tk.keras
A = tk.keras.applications


@pytest.fixture(autouse=True)
def _fresh():
    K.backend.clear_session()
    yield
    K.backend.clear_session()


MODELS = [A.VGG16, A.VGG19, A.ResNet50, A.ResNet101, A.ResNet152, A.ResNet50V2,
          A.ResNet101V2, A.ResNet152V2, A.MobileNet, A.MobileNetV2, A.DenseNet121,
          A.DenseNet169, A.DenseNet201, A.InceptionV3, A.InceptionResNetV2, A.Xception,
          A.NASNetMobile, A.NASNetLarge]


@pytest.mark.parametrize("fn", MODELS, ids=lambda f: f.__name__)
def test_imagenet_weights_are_refused_with_a_clear_error(fn):
    with pytest.raises(ValueError, match="cannot be downloaded.*weights=None"):
        fn(weights="imagenet")
    with pytest.raises(ValueError, match="cannot be downloaded"):
        fn(weights="imagenet", include_top=False)
    # the default is "imagenet", as in tf_keras
    with pytest.raises(ValueError, match="cannot be downloaded"):
        fn()


def test_imagenet_refusal_builds_nothing():
    with pytest.raises(ValueError):
        A.ResNet50(weights="imagenet")
    assert tk.get_default_graph().get_operations() == []


def test_the_modules_expose_tf_keras_names():
    assert A.resnet50.ResNet50 is A.resnet.ResNet50 is A.ResNet50
    assert A.vgg19.preprocess_input is A.vgg16.preprocess_input
    for module in (A.vgg16, A.vgg19, A.resnet, A.resnet50, A.resnet_v2, A.mobilenet,
                   A.mobilenet_v2, A.densenet, A.inception_v3, A.inception_resnet_v2,
                   A.xception, A.nasnet):
        assert callable(module.preprocess_input) and callable(module.decode_predictions)


def test_weights_from_a_checkpoint_path(tmp_path):
    kwargs = {"alpha": 0.25, "input_shape": (32, 32, 3), "classes": 4}
    x = np.random.RandomState(0).uniform(-1, 1, (2, 32, 32, 3)).astype(np.float32)
    model = A.MobileNet(weights=None, **kwargs)
    rng = np.random.RandomState(1)
    model.set_weights([rng.uniform(0.5, 1.5, w.shape.as_list()).astype(np.float32)
                       for w in model.weights])
    want = model.predict(x)
    path = str(tmp_path / "mobilenet")
    model.save_weights(path)
    K.backend.clear_session()
    fresh = A.MobileNet(weights=None, **kwargs)
    assert not np.allclose(fresh.predict(x), want)
    K.backend.clear_session()
    loaded = A.MobileNet(weights=path, **kwargs)
    np.testing.assert_allclose(loaded.predict(x), want, rtol=1e-6)
    np.testing.assert_array_equal(loaded.get_weights()[0], model_weights_0(path))


def model_weights_0(path: str) -> np.ndarray:
    return tk.train.load_variable(path, "conv1/kernel")


def test_weights_that_are_no_file_raise():
    with pytest.raises(ValueError, match="should be either `None`"):
        A.VGG16(weights="/nonexistent/weights")
    with pytest.raises(ValueError, match="should be either `None`"):
        A.MobileNet(weights=3)


def test_input_tensor_that_is_a_keras_input():
    inp = K.Input(shape=(32, 32, 3))
    model = A.MobileNet(weights=None, alpha=0.25, include_top=False, input_tensor=inp)
    assert model.inputs == [inp]
    assert model.output_shape == (None, 1, 1, 256)


def test_input_tensor_behind_keras_layers_keeps_the_source_input():
    inp = K.Input(shape=(40, 40, 3))
    cropped = K.layers.Cropping2D(4)(inp)
    model = A.ResNet50(weights=None, include_top=False, input_tensor=cropped,
                       pooling="avg")
    assert model.inputs == [inp]
    assert model.layers[0].name == inp.op.name
    assert model.output_shape == (None, 2048)


def test_input_tensor_that_is_a_plain_tensor():
    x = tk.placeholder(tk.float32, [None, 32, 32, 3])
    model = A.VGG16(weights=None, include_top=False, input_tensor=x, pooling="max")
    assert model.inputs[0] is x
    out = K.backend.get_session().run(model.output, {x: np.ones((1, 32, 32, 3))})
    assert out.shape == (1, 512)


def test_mobilenet_v2_input_tensor_checks():
    inp = K.Input(shape=(64, 48, 3))
    with pytest.raises(ValueError, match=r"input_tensor.shape\[2\] must equal"):
        A.MobileNetV2(weights=None, include_top=False, input_tensor=inp,
                      input_shape=(64, 64, 3))
    with pytest.raises(ValueError, match="is not a TF-Keras tensor"):
        A.MobileNetV2(weights=None, include_top=False, input_shape=(64, 64, 3),
                      input_tensor=tk.placeholder(tk.float32, [None, 64, 64, 3]))
    model = A.MobileNetV2(weights=None, alpha=0.35, input_tensor=K.Input((96, 96, 3)))
    assert model.name == "mobilenetv2_0.35_96"   # the size is read from the tensor


# -- preprocess_input ----------------------------------------------------------------------
def _pixels(shape=(2, 3, 4, 3)):
    return np.arange(np.prod(shape), dtype=np.float32).reshape(shape) * 3.0 % 256


def test_preprocess_caffe_by_hand():
    x = _pixels()
    want = x[..., ::-1] - np.array([103.939, 116.779, 123.68], np.float32)
    got = A.vgg16.preprocess_input(x.copy())
    np.testing.assert_allclose(got, want, rtol=1e-6)
    first = A.resnet.preprocess_input(np.moveaxis(x, -1, 1).copy(),
                                      data_format="channels_first")
    np.testing.assert_allclose(first, np.moveaxis(want, -1, 1), rtol=1e-6)
    three = A.resnet50.preprocess_input(x[0].copy())
    np.testing.assert_allclose(three, want[0], rtol=1e-6)


def test_preprocess_tf_and_torch_by_hand():
    x = _pixels()
    np.testing.assert_allclose(A.mobilenet.preprocess_input(x.copy()), x / 127.5 - 1,
                               rtol=1e-6, atol=1e-6)
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    np.testing.assert_allclose(A.densenet.preprocess_input(x.copy()),
                               (x / 255.0 - mean) / std, rtol=1e-5, atol=1e-6)
    first = A.densenet.preprocess_input(np.moveaxis(x, -1, 1).copy(),
                                        data_format="channels_first")
    np.testing.assert_allclose(first, np.moveaxis((x / 255.0 - mean) / std, -1, 1),
                               rtol=1e-5, atol=1e-6)


def test_preprocess_float_arrays_in_place_and_ints_converted():
    x = _pixels()
    out = A.xception.preprocess_input(x)
    assert out is x     # tf_keras scales a float array in place
    ints = (_pixels() % 200).astype(np.uint8)
    got = A.inception_v3.preprocess_input(ints)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, ints.astype(np.float32) / 127.5 - 1, atol=1e-6)


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_preprocess_tensor_matches_arrays(mode, data_format):
    x = _pixels((2, 3, 4, 3)) if data_format == "channels_last" else _pixels((2, 3, 4, 5))
    t = imagenet_utils.preprocess_input(tk.constant(x), data_format=data_format, mode=mode)
    want = imagenet_utils.preprocess_input(x.copy(), data_format=data_format, mode=mode)
    with tk.Session() as sess:
        np.testing.assert_allclose(sess.run(t), want, rtol=1e-5, atol=1e-5)


def test_preprocess_bad_arguments():
    with pytest.raises(ValueError, match="Expected mode to be one of"):
        imagenet_utils.preprocess_input(_pixels(), mode="pytorch")
    with pytest.raises(ValueError, match="Expected data_format"):
        A.vgg16.preprocess_input(_pixels(), data_format="NHWC")


# -- decode_predictions ----------------------------------------------------------------------
INDEX = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}


def test_decode_predictions_with_a_class_index(tmp_path):
    preds = np.zeros((2, 1000), np.float32)
    preds[0, [7, 3, 999]] = [0.5, 0.3, 0.2]
    preds[1, 42] = 1.0
    got = A.resnet50.decode_predictions(preds, top=3, class_index=INDEX)
    assert got[0] == [("n00000007", "class_7", np.float32(0.5)),
                      ("n00000003", "class_3", np.float32(0.3)),
                      ("n00000999", "class_999", np.float32(0.2))]
    assert got[1][0] == ("n00000042", "class_42", np.float32(1.0))
    path = tmp_path / "index.json"
    path.write_text(json.dumps(INDEX))
    assert A.vgg16.decode_predictions(preds, top=1, class_index=str(path)) == \
        [[got[0][0]], [got[1][0]]]


def test_decode_predictions_reads_the_keras_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(imagenet_utils, "_CLASS_INDEX", None)
    preds = np.eye(1000, dtype=np.float32)[[5]]
    with pytest.raises(FileNotFoundError, match="cannot download.*class_index="):
        A.mobilenet.decode_predictions(preds)
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "imagenet_class_index.json").write_text(json.dumps(INDEX))
    assert A.mobilenet.decode_predictions(preds, top=1) == [[("n00000005", "class_5",
                                                               np.float32(1.0))]]


def test_decode_predictions_wants_1000_classes():
    with pytest.raises(ValueError, match=r"shape \(samples, 1000\)"):
        A.densenet.decode_predictions(np.zeros((2, 10)), class_index=INDEX)
    with pytest.raises(ValueError, match="Found array with shape"):
        A.densenet.decode_predictions(np.zeros(1000), class_index=INDEX)


# -- the shape helpers -------------------------------------------------------------------------
def test_obtain_input_shape_rules():
    f = imagenet_utils.obtain_input_shape
    assert f(None, 224, 32, "channels_last", True) == (224, 224, 3)
    assert f(None, 224, 32, "channels_last", False) == (None, None, 3)
    assert f(None, 299, 75, "channels_first", False) == (3, None, None)
    assert f((3, 64, 80), 224, 32, "channels_first", True) == (3, 64, 80)
    assert f(None, 224, 32, "channels_last", True, weights="imagenet") == (224, 224, 3)
    with pytest.warns(UserWarning, match="expects 1 or 3 input channels"):
        assert f((40, 40, 5), 224, 32, "channels_last", False) == (40, 40, 5)
    with pytest.raises(ValueError, match="at least 32x32"):
        f((3, 31, 40), 224, 32, "channels_first", False)
    with pytest.raises(ValueError, match="should be \\(224, 224, 3\\)"):
        f((200, 200, 3), 224, 32, "channels_last", True, weights="imagenet")


def test_correct_pad_by_hand():
    even = K.Input((8, 6, 3))
    odd = K.Input((7, 9, 3))
    unknown = K.Input((None, None, 3))
    assert imagenet_utils.correct_pad(even, 3) == ((0, 1), (0, 1))
    assert imagenet_utils.correct_pad(odd, 3) == ((1, 1), (1, 1))
    assert imagenet_utils.correct_pad(unknown, (5, 3)) == ((1, 2), (0, 1))


def test_validate_activation():
    imagenet_utils.validate_activation("relu", None)
    imagenet_utils.validate_activation("softmax", "imagenet")
    imagenet_utils.validate_activation(None, "imagenet")
    with pytest.raises(ValueError, match="Only `None` and `softmax`"):
        imagenet_utils.validate_activation("sigmoid", "imagenet")


def test_source_inputs_of_a_plain_tensor_is_itself():
    x = tk.placeholder(tk.float32, [None, 3])
    assert model_io.source_inputs(x) == [x]


# -- building and training ---------------------------------------------------------------------
def test_building_resnet50_is_fast():
    start = time.perf_counter()
    A.ResNet50(weights=None)
    assert time.perf_counter() - start < 3.0   # about 0.1 s; loose for a busy machine


def test_mobilenet_trains_with_fit():
    tk.set_random_seed(0)   # the initial weights, so the loss curve does not vary
    model = A.MobileNet(weights=None, alpha=0.25, input_shape=(32, 32, 3), classes=4)
    model.compile(optimizer=K.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (16, 32, 32, 3)).astype(np.float32)
    y = (x[:, :, :, 0].mean(axis=(1, 2)) > 0).astype(np.int64) * 3
    bn = model.get_layer("conv1_bn")
    kernel0, moving0 = model.get_layer("conv1").get_weights()[0], bn.get_weights()[2]
    history = model.fit(x, y, batch_size=8, epochs=4, verbose=0, shuffle=False)
    losses = history.history["loss"]
    assert len(losses) == 4 and all(np.isfinite(losses))
    assert losses[-1] < 0.5 * losses[0]
    assert not np.allclose(model.get_layer("conv1").get_weights()[0], kernel0)
    assert not np.allclose(bn.get_weights()[2], moving0)   # moving mean updated
    assert model.predict(x[:2]).shape == (2, 4)


def test_nasnet_penultimate_filters_must_fit_the_multiplier():
    with pytest.raises(ValueError, match="multiple of 24"):
        A.nasnet.NASNet(weights=None, penultimate_filters=100, include_top=False,
                        input_shape=(32, 32, 3))


def test_inception_resnet_block_type_is_checked():
    with pytest.raises(ValueError, match="Unknown Inception-ResNet block type"):
        A.inception_resnet_v2.inception_resnet_block(K.Input((8, 8, 32)), 0.1, "block9", 1)
