// symgrad's training layer: Module, initializers, optimizers, metrics, data iterators,
// callbacks and checkpoints (as mx.mod, mx.init, mx.optimizer, mx.metric, mx.io, mx.callback).
#pragma once
#include "symgrad.hpp"
#include "io/data_iter.hpp"
#include "io/mnist_iter.hpp"
#include "train/callback.hpp"
#include "train/checkpoint.hpp"
#include "train/curve.hpp"
#include "train/initializer.hpp"
#include "train/metric.hpp"
#include "train/module.hpp"
#include "train/optimizer.hpp"
