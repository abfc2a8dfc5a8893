"""Golden batches of MXNet 1.9.1's mx.io.LibSVMIter for tests/test_csv_iter.cpp.

Writes tests/data/libsvm/{data.libsvm, label.libsvm, golden.json}: for each case, per epoch
(reset between epochs), the batches' data and label as dense arrays, and pad. MXNet returns
the data (and a label_libsvm label) as CSR arrays; symgrad's LibSVMIter returns them dense.

    /work/venv-mx/bin/python tests/reference/make_libsvm_golden.py tests/data/libsvm
"""
import json
import os
import sys

import mxnet as mx

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
# 0-based feature indices, as MXNet reads them; a row may be empty; labels need not be integers
with open(os.path.join(out, 'data.libsvm'), 'w') as f:
    f.write('1 0:1.5 3:2\n0 1:-1\n2 2:0.5 4:4 0:1\n1\n3 4:7\n0.5 1:0.25 2:-3\n2 3:1e-3\n')
with open(os.path.join(out, 'label.libsvm'), 'w') as f:
    f.write('0 0:1 2:2\n0 1:3\n0\n0 0:-2 1:1 2:0.25\n0 2:9\n0 0:4\n0 1:5 2:6\n')

cases = {
    'batch_3': dict(data_shape=(5,), batch_size=3),
    'batch_2': dict(data_shape=(5,), batch_size=2),
    'batch_5': dict(data_shape=(5,), batch_size=5),
    'label_libsvm': dict(data_shape=(5,), label_libsvm='label.libsvm', label_shape=(3,), batch_size=4),
}
golden = {}
for name, kw in cases.items():
    kw = dict(kw)
    if 'label_libsvm' in kw:
        kw['label_libsvm'] = os.path.join(out, kw['label_libsvm'])
    it = mx.io.LibSVMIter(data_libsvm=os.path.join(out, 'data.libsvm'), **kw)
    epochs = []
    for _ in range(4):
        batches = []
        for b in it:
            d = b.data[0].asnumpy()
            lab = b.label[0].asnumpy()
            batches.append({'data': d.tolist(), 'label': lab.tolist(), 'pad': b.pad,
                            'data_shape': list(d.shape), 'label_shape': list(lab.shape)})
        epochs.append(batches)
        it.reset()
    golden[name] = {'epochs': epochs,
                    'provide_data': [[d.name, list(d.shape)] for d in it.provide_data],
                    'provide_label': [[d.name, list(d.shape)] for d in it.provide_label]}
with open(os.path.join(out, 'golden.json'), 'w') as f:
    json.dump(golden, f)
