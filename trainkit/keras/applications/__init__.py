"""``tk.keras.applications``: the Keras image-classification architectures of
``tf.keras.applications`` (tf_keras 2.21 in TF1 graph mode), built with random weights
(``weights=None``) or from a local checkpoint.

What is here: VGG16, VGG19, ResNet50/101/152, ResNet50V2/101V2/152V2, MobileNet,
MobileNetV2, DenseNet121/169/201, InceptionV3, InceptionResNetV2, Xception and
NASNetMobile/Large, each
with its module's ``preprocess_input`` and ``decode_predictions``, and
``imagenet_utils``. Layer names, layer order, weights and output shapes are tf_keras's.

Differs from TF: pretrained ImageNet weights cannot be downloaded, so
``weights="imagenet"`` raises a ``ValueError`` (after the argument checks tf_keras makes
with it); a ``weights`` path is a TF1 checkpoint written by ``model.save_weights``, not
an h5 file. ``decode_predictions`` reads ImageNet's class index from the tf.keras cache
(``~/.keras/models/imagenet_class_index.json``) or a ``class_index`` argument.

Example:
    >>> model = tk.keras.applications.MobileNet(weights=None, alpha=0.25,
    ...                                         input_shape=(32, 32, 3), classes=10)
    >>> x = tk.keras.applications.mobilenet.preprocess_input(images)
"""

from __future__ import annotations

from trainkit.keras.applications import (
    densenet,
    imagenet_utils,
    inception_resnet_v2,
    inception_v3,
    mobilenet,
    mobilenet_v2,
    nasnet,
    resnet,
    resnet50,
    resnet_v2,
    vgg16,
    vgg19,
    xception,
)
from trainkit.keras.applications.densenet import DenseNet121, DenseNet169, DenseNet201
from trainkit.keras.applications.inception_resnet_v2 import InceptionResNetV2
from trainkit.keras.applications.inception_v3 import InceptionV3
from trainkit.keras.applications.mobilenet import MobileNet
from trainkit.keras.applications.mobilenet_v2 import MobileNetV2
from trainkit.keras.applications.nasnet import NASNetLarge, NASNetMobile
from trainkit.keras.applications.resnet import ResNet50, ResNet101, ResNet152
from trainkit.keras.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from trainkit.keras.applications.vgg16 import VGG16
from trainkit.keras.applications.vgg19 import VGG19
from trainkit.keras.applications.xception import Xception

__all__ = ["densenet", "imagenet_utils", "inception_resnet_v2", "inception_v3", "mobilenet",
           "mobilenet_v2", "nasnet", "resnet", "resnet50", "resnet_v2", "vgg16", "vgg19",
           "xception", "DenseNet121", "DenseNet169", "DenseNet201", "InceptionResNetV2",
           "InceptionV3", "MobileNet", "MobileNetV2", "NASNetLarge", "NASNetMobile",
           "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2", "ResNet152V2",
           "VGG16", "VGG19", "Xception"]
