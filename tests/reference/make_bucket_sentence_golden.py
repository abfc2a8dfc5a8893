"""Writes tests/data/io/bucket_sentence_iter.json: what MXNet 1.9.1's mx.rnn.BucketSentenceIter
makes of a fixed list of sentences, per case: its buckets, default bucket key, provide_data and
provide_label, every bucket's padded sentences and labels (batch-major), and every batch of one
epoch (bucket key, data, label, shapes). MXNet shuffles from Python's and NumPy's global
generators and symgrad from its own seed, so tests/test_bucketing.cpp compares batch counts and
shapes, and checks each batch's rows against the bucket's.

    /work/venv-mx/bin/python tests/reference/make_bucket_sentence_golden.py   # needs mxnet==1.9.1
"""
import contextlib
import io
import json
import os
import random
import re

import mxnet as mx
import numpy as np

assert mx.__version__ == "1.9.1", mx.__version__
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "io")

rng = random.Random(3)
sentences = [[rng.randint(1, 9) for _ in range(rng.randint(1, 9))] for _ in range(40)]
cases = {
    'buckets_nt': dict(batch_size=3, buckets=[3, 6, 8], invalid_label=-1),
    'buckets_tn': dict(batch_size=2, buckets=[4, 9], invalid_label=0, layout='TN'),
    'auto_buckets': dict(batch_size=4),
}
golden = {'sentences': sentences}
for name, kw in cases.items():
    random.seed(0)
    np.random.seed(0)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):  # MXNet prints the number of discarded sentences
        it = mx.rnn.BucketSentenceIter([list(s) for s in sentences], **kw)
    discarded = int(re.search(r'discarded (\d+) sentences', printed.getvalue()).group(1))
    batches = []
    for b in it:
        batches.append({'bucket_key': int(b.bucket_key),
                        'data': b.data[0].asnumpy().tolist(), 'label': b.label[0].asnumpy().tolist(),
                        'data_shape': list(b.data[0].shape), 'label_shape': list(b.label[0].shape)})
    golden[name] = {'options': kw, 'buckets': [int(x) for x in it.buckets], 'discarded': discarded,
                    'default_bucket_key': int(it.default_bucket_key),
                    'provide_data': [it.provide_data[0].name, list(it.provide_data[0].shape)],
                    'provide_label': [it.provide_label[0].name, list(it.provide_label[0].shape)],
                    'bucket_data': [a.asnumpy().tolist() for a in it.nddata],
                    'bucket_label': [a.asnumpy().tolist() for a in it.ndlabel],
                    'batches': batches}
with open(os.path.join(OUT, 'bucket_sentence_iter.json'), 'w') as f:
    json.dump(golden, f)
