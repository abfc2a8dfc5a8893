"""mx.viz.print_summary tables and mx.viz.plot_network DOT sources from MXNet 1.9.1, for
tests/test_viz.cpp.

Writes into the folder given, for each network <net> below:
  <net>.json           the network's symbol JSON (the test also loads MXNet's own graph)
  <net>.summary.txt    what print_summary(net, shape=...) prints
  <net>.dot            plot_network(net, shape=...).source
(gzip'd, <name>.gz, for the networks in BIG)
and the variants listed in VARIANTS (no shapes, weights shown, dtypes, node attributes, a title).

The networks are built with explicit names, or inside a fresh NameManager, so that symgrad's
test can build the same graphs. A symbol JSON keeps only the parameters that were passed, and
symgrad's only those that differ from the defaults, so the networks pass no default value that
plot_network shows (LeakyReLU's act_type), with one exception: Pooling always names its
pool_type, as plot_network reads attrs["pool_type"] and fails on a node that relied on the
default (symgrad shows the default, max).

usage: /work/venv-mx/bin/python tests/reference/make_viz_golden.py tests/data/viz
       (any Python with mxnet==1.9.1, numpy<1.24 and graphviz==0.8.4, the version pip picks
       beside MXNet 1.9.1; the DOT text is that package's formatting)
"""
import gzip
import io
import os
import sys
from contextlib import redirect_stdout

import graphviz
import mxnet as mx
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def mlp():
    x = mx.sym.Variable('data')
    x = mx.sym.FullyConnected(x, num_hidden=128, name='fc1')
    x = mx.sym.Activation(x, act_type='relu', name='relu1')
    x = mx.sym.FullyConnected(x, num_hidden=64, no_bias=True, name='fc2')
    x = mx.sym.Activation(x, act_type='tanh', name='tanh2')
    x = mx.sym.FullyConnected(x, num_hidden=10, name='fc3')
    return mx.sym.SoftmaxOutput(x, name='softmax'), {'data': (32, 784)}


def convnet():
    # Convolutions with and without bias, grouped, strided; BatchNorm; every colour of
    # plot_network (Pooling, LeakyReLU, Concat, Flatten, Reshape, Dropout as "other").
    x = mx.sym.Variable('data')
    c1 = mx.sym.Convolution(x, kernel=(3, 3), pad=(1, 1), num_filter=16, name='conv1')
    b1 = mx.sym.BatchNorm(c1, fix_gamma=False, name='bn1')
    r1 = mx.sym.Activation(b1, act_type='relu', name='relu1')
    p1 = mx.sym.Pooling(r1, kernel=(2, 2), stride=(2, 2), pool_type='max', name='pool1')
    c2 = mx.sym.Convolution(p1, kernel=(3, 3), stride=(2, 2), pad=(1, 1), num_filter=32, no_bias=True,
                            name='conv2')
    b2 = mx.sym.BatchNorm(c2, name='bn2')
    l2 = mx.sym.LeakyReLU(b2, slope=0.1, name='leaky2')
    c3 = mx.sym.Convolution(l2, kernel=(3, 3), pad=(1, 1), num_filter=32, num_group=4, name='conv3')
    c4 = mx.sym.Convolution(l2, kernel=(1, 1), num_filter=8, name='conv4')
    cat = mx.sym.Concat(c3, c4, dim=1, name='concat')
    p2 = mx.sym.Pooling(cat, kernel=(1, 1), global_pool=True, pool_type='avg', name='pool2')
    f = mx.sym.Flatten(p2, name='flatten')
    d = mx.sym.Dropout(f, p=0.25, name='drop')
    fc = mx.sym.FullyConnected(d, num_hidden=10, name='fc')
    return mx.sym.SoftmaxOutput(fc, name='softmax'), {'data': (8, 3, 32, 32)}


def embed():
    # Embedding, Reshape and an FC straight on a 3-d input (MXNet counts only its axis 1).
    x = mx.sym.Variable('data')
    e = mx.sym.Embedding(x, input_dim=1000, output_dim=32, name='embed')
    fc0 = mx.sym.FullyConnected(e, num_hidden=16, name='fc0')
    r = mx.sym.Reshape(e, shape=(-1, 640), name='reshape')
    fc = mx.sym.FullyConnected(r, num_hidden=4, name='fc')
    return mx.sym.Group([fc0, mx.sym.LinearRegressionOutput(fc, name='lro')]), {'data': (8, 20)}


def regression():
    # The notebook's first program, automatic names included.
    with mx.name.NameManager():
        x = mx.sym.Variable('data')
        y = mx.sym.FullyConnected(data=x, num_hidden=1)
        label = mx.sym.Variable('label')
        loss = mx.sym.MakeLoss(mx.sym.square(y - label))
        net = mx.sym.Group([mx.sym.BlockGrad(y), loss])
    return net, {'data': (32, 2), 'label': (32, 1)}


def two_stream():
    # The notebook's two-stream network as examples/two_stream_audio_face.cpp builds it.
    audio = mx.sym.Variable('audio_data')
    face = mx.sym.Variable('face_data')
    label = mx.sym.Variable('softmax_label')
    lstm1 = mx.rnn.LSTMCell(num_hidden=256, prefix='lstm1_')
    out1, _ = lstm1.unroll(length=49, inputs=audio, merge_outputs=False)
    lstm2 = mx.rnn.LSTMCell(num_hidden=256, prefix='lstm2_')
    out2, _ = lstm2.unroll(length=49, inputs=out1, merge_outputs=False)
    last1 = mx.sym.Reshape(data=out1[-1], shape=(-1, 256), name='rnn1_last_out_reshape')
    last2 = mx.sym.Reshape(data=out2[-1], shape=(-1, 256), name='rnn2_last_out_reshape')
    rnn_outputs = mx.sym.Concat(last1, last2, num_args=2, dim=1, name='rnn_outputs')
    f = mx.sym.Convolution(face, kernel=(1, 1), num_filter=64, name='face_conv1')
    f = mx.sym.Activation(mx.sym.BatchNorm(f, fix_gamma=False, name='face_bn1'), act_type='relu',
                          name='face_relu1')
    f = mx.sym.Convolution(f, kernel=(3, 3), pad=(1, 1), num_filter=64, name='face_conv2')
    f = mx.sym.Activation(f, act_type='relu', name='face_relu2')
    f = mx.sym.Pooling(f, kernel=(2, 2), stride=(2, 2), pool_type='max', name='face_pool1')
    f = mx.sym.Pooling(f, kernel=(1, 1), pool_type='avg', global_pool=True, name='face_pool2')
    face_vector = mx.sym.Flatten(f, name='face_vector')
    both = mx.sym.Concat(rnn_outputs, face_vector, dim=1, name='fused')
    fc = mx.sym.FullyConnected(both, num_hidden=6, name='fc')
    net = mx.sym.SoftmaxOutput(fc, label, name='softmax')
    return net, {'audio_data': (128, 49, 75), 'face_data': (128, 512, 14, 14), 'softmax_label': (128,)}


NETS = {'mlp': mlp, 'convnet': convnet, 'embed': embed, 'regression': regression, 'two_stream': two_stream}
# (file stem, network, print_summary kwargs or None, plot_network kwargs or None)
VARIANTS = [
    ('mlp_noshape', 'mlp', {}, {}),
    ('mlp_weights', 'mlp', None, {'shape': True, 'hide_weights': False}),
    ('mlp_dtype', 'mlp', None, {'shape': True, 'dtype': {'data': np.float32}}),
    ('convnet_attrs', 'convnet', None,
     {'shape': True, 'title': 'small convnet', 'node_attrs': {'shape': 'oval', 'fixedsize': 'false'}}),
    ('convnet_narrow', 'convnet', {'shape': True, 'line_length': 80, 'positions': [.5, .7, .8, 1.]}, None),
]


def summary_text(net, **kw):
    buf = io.StringIO()
    with redirect_stdout(buf):
        mx.viz.print_summary(net, **kw)
    return buf.getvalue()


BIG = {'two_stream'}  # 49 unrolled steps: several hundred kB of text, stored gzip'd


def write(name, text):
    if name.split('.')[0] in BIG:
        with gzip.GzipFile(os.path.join(out, name + '.gz'), 'wb', mtime=0) as f:
            f.write(text.encode())
    else:
        with open(os.path.join(out, name), 'w') as f:
            f.write(text)


assert graphviz.__version__ == '0.8.4', graphviz.__version__
built = {}
for stem, make in NETS.items():
    net, shape = make()
    built[stem] = (net, shape)
    write(stem + '.json', net.tojson())
    write(stem + '.summary.txt', summary_text(net, shape=shape))
    write(stem + '.dot', mx.viz.plot_network(net, shape=shape).source)
for stem, which, skw, pkw in VARIANTS:
    net, shape = built[which]
    if skw is not None:
        kw = dict(skw)
        if kw.pop('shape', False):
            kw['shape'] = shape
        write(stem + '.summary.txt', summary_text(net, **kw))
    if pkw is not None:
        kw = dict(pkw)
        if kw.pop('shape', False):
            kw['shape'] = shape
        write(stem + '.dot', mx.viz.plot_network(net, **kw).source)
print('wrote', len(os.listdir(out)), 'files to', out)
