// mx.metric: the evaluation metrics that Module::fit and score update once per batch, created by
// name ("acc", "ce", "f1" ...) with create(), as MXNet 1.9.1's python/mxnet/metric.py.
//
// Every metric keeps a local and a global pair of counters (sum_metric, num_inst): update() adds
// to both, reset_local() clears the local pair (Speedometer does so after each log line), reset()
// clears both. get() = sum_metric / num_inst, nan before the first update; get_global() the same
// over the global pair. update(labels, preds) pairs the two lists one to one.
//
// Deliberate differences from MXNet (bad input is an error, never a silent wrong number):
// * A label with the prediction's own shape (one-hot or probabilities) is compared by argmax along
//   the class axis on both sides in Accuracy, TopKAccuracy, F1, MCC and PCC, and weighs the
//   log-probabilities in CrossEntropy, NegativeLogLikelihood and Perplexity; its rows must be
//   distributions (entries in [0, 1] summing to 1). MXNet's Accuracy truncates both sides to int
//   and reports a constant (C-1)/C for C classes (issue #9582).
// * Class indices (labels, and predictions without a class axis) must be whole numbers, and the
//   labels of CrossEntropy / NegativeLogLikelihood / Perplexity must lie in 0..C-1. MXNet
//   truncates, wraps -1 to the last class (numpy indexing) or clips (pick).
// * A label of any other shape is a ShapeError naming the accepted shapes. MXNet flattens and
//   broadcasts: (N,1) labels turn F1's counts into an N x N table, (N,) against (N,3) in MSE
//   broadcasts.
// * F1 and MCC take the classes 0 and 1 only (labels and predicted classes) and at most two class
//   scores per sample; MXNet raises only for more than two distinct labels and counts any other
//   class as a negative.
// * CompositeEvalMetric's get() / get_global() return one (name, value) pair, so they need exactly
//   one child; get_name_value() lists every child's values (MXNet's get() returns two lists).
// * `average` must be "macro" or "micro"; PearsonCorrelation's "micro" keeps local and global
//   statistics (MXNet's reset_local leaves them and its get_global reports 0).
// * TopKAccuracy needs predictions of shape (N, C); Perplexity's ignore_label defaults to none
//   (every entry counts; MXNet has no default); Perplexity and CE accept any rank, classes along
//   their axis (MXNet: 2-D only).
//
// The families: metric_base.hpp (EvalMetric), metric_classification.hpp, metric_probabilistic.hpp,
// metric_regression.hpp, metric_composite.hpp (Loss, CustomMetric, CompositeEvalMetric) and
// metric_registry.hpp (create).
#pragma once
#include "metric_base.hpp"
#include "metric_classification.hpp"
#include "metric_composite.hpp"
#include "metric_probabilistic.hpp"
#include "metric_registry.hpp"
#include "metric_regression.hpp"
