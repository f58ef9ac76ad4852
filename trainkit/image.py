"""``tk.image``: image augmentation and resizing (re-exports, mirroring
``tf.compat.v1.image``)."""

from __future__ import annotations

from trainkit.data.image_codecs import encode_png
from trainkit.data.image_decode_ops import (
    decode_and_crop_jpeg,
    decode_bmp,
    decode_gif,
    decode_image,
    decode_jpeg,
    decode_png,
    extract_jpeg_shape,
    is_jpeg,
)
from trainkit.data.image_encode_ops import encode_jpeg
from trainkit.data.jpeg_quality import adjust_jpeg_quality, random_jpeg_quality
from trainkit.ops.image_boxes import (
    crop_and_resize,
    draw_bounding_boxes,
    non_max_suppression,
    sample_distorted_bounding_box,
)
from trainkit.ops.image_extras import (
    adjust_gamma,
    adjust_hue,
    adjust_saturation,
    grayscale_to_rgb,
    hsv_to_rgb,
    image_gradients,
    psnr,
    random_hue,
    random_saturation,
    rgb_to_grayscale,
    rgb_to_hsv,
    rot90,
    total_variation,
    transpose_image,
)
from trainkit.ops.image_filters import (
    extract_image_patches,
    sobel_edges,
    ssim,
    ssim_multiscale,
)
from trainkit.ops.image_geometry import (
    central_crop,
    crop_to_bounding_box,
    pad_to_bounding_box,
    resize_image_with_crop_or_pad,
    resize_image_with_pad,
)
from trainkit.ops.image_glimpse import extract_glimpse
from trainkit.ops.image_nms import (
    combined_non_max_suppression,
    non_max_suppression_overlaps,
    non_max_suppression_padded,
    non_max_suppression_with_scores,
)
from trainkit.ops.image_ops import (
    ResizeMethod,
    adjust_brightness,
    adjust_contrast,
    convert_image_dtype,
    flip_left_right,
    flip_up_down,
    per_image_standardization,
    random_brightness,
    random_contrast,
    random_crop,
    random_flip_left_right,
    random_flip_up_down,
    resize_images,
)
from trainkit.ops.image_resize_more import (
    resize_area,
    resize_bicubic,
    resize_bilinear,
    resize_nearest_neighbor,
)
from trainkit.ops.misc_more import (
    rgb_to_yiq,
    rgb_to_yuv,
    yiq_to_rgb,
    yuv_to_rgb,
)

transpose = transpose_image
resize = resize_images
resize_with_crop_or_pad = resize_image_with_crop_or_pad
extract_patches = extract_image_patches
