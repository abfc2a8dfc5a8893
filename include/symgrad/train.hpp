// symgrad's training layer: Module and BucketingModule, initializers, optimizers, metrics, data iterators,
// callbacks and checkpoints (as mx.mod, mx.init, mx.optimizer, mx.metric, mx.io, mx.callback).
#pragma once
#include "io.hpp"
#include "kv.hpp"
#include "opt.hpp"
#include "symgrad.hpp"
#include "train/bucketing_module.hpp"
#include "train/callback.hpp"
#include "train/checkpoint.hpp"
#include "train/curve.hpp"
#include "train/initializer.hpp"
#include "train/metric.hpp"
#include "train/module.hpp"
#include "train/monitor.hpp"
#if defined(SYMGRAD_HEADER_ONLY)
#include "train/all-inl.hpp"
#endif
