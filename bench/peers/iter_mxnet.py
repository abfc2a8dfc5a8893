"""MXNet 1.9.1's ImageRecordIter on a .rec file: the same settings as bench/image_pipeline --iter
(random crop and mirror, mean/std, shuffle); prints RESULT mxnet_iter <images/s> images/s over the
epochs after the first.

usage: /opt/mxnet-venv/bin/python iter_mxnet.py REC [--threads 2] [--batch 64] [--crop 56] [--epochs 6]
"""
import argparse
import time

import mxnet as mx

ap = argparse.ArgumentParser()
ap.add_argument("rec")
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--batch", type=int, default=64)
ap.add_argument("--crop", type=int, default=56)
ap.add_argument("--epochs", type=int, default=6)
a = ap.parse_args()
it = mx.io.ImageRecordIter(path_imgrec=a.rec, data_shape=(3, a.crop, a.crop), batch_size=a.batch, shuffle=True,
                           preprocess_threads=a.threads, rand_crop=True, rand_mirror=True,
                           mean_r=123, mean_g=117, mean_b=104, std_r=58, std_g=57, std_b=57)
for b in it:
    b.data[0].wait_to_read()
images = 0
t0 = time.perf_counter()
for e in range(1, a.epochs):
    it.reset()
    for b in it:
        b.data[0].wait_to_read()
        images += a.batch
print("RESULT mxnet_iter %.1f images/s" % (images / (time.perf_counter() - t0)))
