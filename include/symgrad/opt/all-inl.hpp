// Every implementation file of opt/: compiled once into libsymgrad (src/), or included by the entry
// headers in header-only mode.
#pragma once
#include "adadelta-inl.hpp"
#include "adagrad-inl.hpp"
#include "adam-inl.hpp"
#include "adamax-inl.hpp"
#include "ftml-inl.hpp"
#include "ftrl-inl.hpp"
#include "lamb-inl.hpp"
#include "lars-inl.hpp"
#include "lr_scheduler-inl.hpp"
#include "nadam-inl.hpp"
#include "nag-inl.hpp"
#include "optimizer-inl.hpp"
#include "optimizer_base-inl.hpp"
#include "rmsprop-inl.hpp"
#include "sgd-inl.hpp"
#include "signum-inl.hpp"
