"""Golden images for the augmentations of tests/test_image_augment.cpp, made with OpenCV, whose
functions MXNet 1.9.1's default ImageRecordIter augmenter calls (cv::warpAffine with a constant
border, cv::copyMakeBorder, cv::cvtColor to and from 8-bit HLS).

Writes tests/data/augment/golden.params (mx.nd.save; uint8 arrays, height x width x channels, RGB):
  src                  a 19 x 23 RGB test image (smooth gradients plus noise)
  warp:<k>             cv2.warpAffine(src, M_k, size_k, INTER_LINEAR, BORDER_CONSTANT, fill)
  warp_m:<k>           M_k (float32, 2 x 3), warp_size:<k> (width, height, fill) as float32
  hls:<dh>_<dl>_<ds>   src to HLS, the shifts added and clamped as MXNet's augmenter does, back to RGB

    /work/venv-mx/bin/pip install opencv-python-headless==4.8.1.78
    /work/venv-mx/bin/python tests/reference/make_augment_golden.py tests/data/augment
"""
import math
import os
import sys

import cv2
import mxnet as mx
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.RandomState(7)
H, W = 19, 23
y, x = np.mgrid[0:H, 0:W]
src = np.stack([x * 11, y * 13, (x + y) * 6], axis=-1) + rng.randint(0, 40, size=(H, W, 3))
src = np.clip(src, 0, 255).astype(np.uint8)
arrays = {'src': mx.nd.array(src, dtype='uint8')}


def mxnet_matrix(w, h, angle, shear, scale, ratio):
    """The map MXNet's augmenter builds (image_aug_default.cc), with its output size."""
    a, b = math.cos(angle / 180.0 * math.pi), math.sin(angle / 180.0 * math.pi)
    hs = 2 * scale / (1 + ratio)
    ws = ratio * hs
    m = np.zeros((2, 3), np.float32)
    m[0, 0] = hs * a - shear * b * ws
    m[1, 0] = -b * ws
    m[0, 1] = hs * b + shear * a * ws
    m[1, 1] = a * ws
    nw, nh = scale * w, scale * h
    m[0, 2] = (nw - (m[0, 0] * w + m[0, 1] * h)) / 2
    m[1, 2] = (nh - (m[1, 0] * w + m[1, 1] * h)) / 2
    return m, int(nw), int(nh)


cases = [(30, 0.0, 1.0, 1.0, 255), (-17, 0.2, 0.8, 1.3, 0), (90, 0.0, 1.0, 1.0, 128), (5, -0.1, 1.25, 0.9, 40)]
for k, (angle, shear, scale, ratio, fill) in enumerate(cases):
    m, nw, nh = mxnet_matrix(W, H, angle, shear, scale, ratio)
    bgr = src[:, :, ::-1].copy()
    res = cv2.warpAffine(bgr, m, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                         borderValue=(fill, fill, fill))
    arrays['warp:%d' % k] = mx.nd.array(res[:, :, ::-1].copy(), dtype='uint8')
    arrays['warp_m:%d' % k] = mx.nd.array(m)
    arrays['warp_size:%d' % k] = mx.nd.array([nw, nh, fill])

for dh, dl, ds in [(0, 0, 0), (20, 0, 0), (-30, 10, -40), (0, -25, 60), (90, 30, 255)]:
    hls = cv2.cvtColor(src[:, :, ::-1].copy(), cv2.COLOR_BGR2HLS).astype(np.int32)
    hls[:, :, 0] = np.clip(hls[:, :, 0] + dh, 0, 180)
    hls[:, :, 1] = np.clip(hls[:, :, 1] + dl, 0, 255)
    hls[:, :, 2] = np.clip(hls[:, :, 2] + ds, 0, 255)
    res = cv2.cvtColor(hls.astype(np.uint8), cv2.COLOR_HLS2BGR)
    arrays['hls:%d_%d_%d' % (dh, dl, ds)] = mx.nd.array(res[:, :, ::-1].copy(), dtype='uint8')

mx.nd.save(os.path.join(out, 'golden.params'), arrays)
print('wrote', len(arrays), 'arrays to', out)
