"""Golden batches of MXNet 1.9.1's mx.io.CSVIter for tests/test_csv_iter.cpp.

Writes tests/data/csv/{data.csv, label.csv, label2.csv, golden.json}: for each case, per epoch
(reset between epochs), the batches' data, label and pad.

    /work/venv-mx/bin/python tests/reference/make_csv_golden.py tests/data/csv
"""
import json
import os
import sys

import mxnet as mx
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
data = (np.arange(30).reshape(10, 3) * 0.5 - 3).astype('float32')
np.savetxt(os.path.join(out, 'data.csv'), data, delimiter=',', fmt='%g')
np.savetxt(os.path.join(out, 'label.csv'), np.arange(10).reshape(10, 1), delimiter=',', fmt='%g')
np.savetxt(os.path.join(out, 'label2.csv'), np.arange(20).reshape(10, 2), delimiter=',', fmt='%g')

cases = {
    'round_batch': dict(data_shape=(3,), label_csv='label.csv', batch_size=4),
    'no_round_batch': dict(data_shape=(3,), label_csv='label.csv', batch_size=4, round_batch=False),
    'no_label': dict(data_shape=(1, 3), batch_size=5),
    'label_width_2': dict(data_shape=(3,), label_csv='label2.csv', label_shape=(2,), batch_size=3),
}
golden = {}
for name, kw in cases.items():
    kw = dict(kw)
    if 'label_csv' in kw:
        kw['label_csv'] = os.path.join(out, kw['label_csv'])
    it = mx.io.CSVIter(data_csv=os.path.join(out, 'data.csv'), **kw)
    epochs = []
    for _ in range(4):
        batches = []
        for b in it:
            d = b.data[0].asnumpy()
            lab = b.label[0].asnumpy()
            n = d.shape[0] - b.pad
            # rows past `pad` hold stale data in MXNet without round_batch: compare the real rows
            batches.append({'data': d[:n].tolist() if not kw.get('round_batch', True) else d.tolist(),
                            'label': lab[:n].tolist() if not kw.get('round_batch', True) else lab.tolist(),
                            'pad': b.pad, 'data_shape': list(d.shape), 'label_shape': list(lab.shape)})
        epochs.append(batches)
        it.reset()
    golden[name] = epochs
with open(os.path.join(out, 'golden.json'), 'w') as f:
    json.dump(golden, f)
