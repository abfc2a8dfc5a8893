// libsymgrad: the metrics, every family.
// Every unit first: an implementation file may include another of the same group.
#define SYMGRAD_UNIT_TRAIN_METRIC_BASE
#define SYMGRAD_UNIT_TRAIN_METRIC_CLASSIFICATION
#define SYMGRAD_UNIT_TRAIN_METRIC_COMPOSITE
#define SYMGRAD_UNIT_TRAIN_METRIC_PROBABILISTIC
#define SYMGRAD_UNIT_TRAIN_METRIC_REGISTRY
#define SYMGRAD_UNIT_TRAIN_METRIC_REGRESSION

#include <symgrad/train/metric_base-inl.hpp>
#include <symgrad/train/metric_classification-inl.hpp>
#include <symgrad/train/metric_composite-inl.hpp>
#include <symgrad/train/metric_probabilistic-inl.hpp>
#include <symgrad/train/metric_registry-inl.hpp>
#include <symgrad/train/metric_regression-inl.hpp>
