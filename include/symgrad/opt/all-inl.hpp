// Every implementation file of opt/: compiled once into libsymgrad (src/), or included by the entry
// headers in header-only mode.
#pragma once
#include "lr_scheduler-inl.hpp"
#include "optimizer-inl.hpp"
