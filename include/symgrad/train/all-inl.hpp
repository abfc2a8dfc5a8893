// Every implementation file of train/: compiled once into libsymgrad (src/), or included by the entry
// headers in header-only mode.
#pragma once
#include "bucketing_module-inl.hpp"
#include "callback-inl.hpp"
#include "checkpoint-inl.hpp"
#include "curve-inl.hpp"
#include "fit-inl.hpp"
#include "init_base-inl.hpp"
#include "init_composite-inl.hpp"
#include "initializer-inl.hpp"
#include "metric_base-inl.hpp"
#include "metric_classification-inl.hpp"
#include "metric_composite-inl.hpp"
#include "metric_probabilistic-inl.hpp"
#include "metric_registry-inl.hpp"
#include "metric_regression-inl.hpp"
#include "module-inl.hpp"
#include "monitor-inl.hpp"
