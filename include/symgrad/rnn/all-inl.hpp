// Every implementation file of rnn/: compiled once into libsymgrad (src/), or included by the entry
// headers in header-only mode.
#pragma once
#include "cell-inl.hpp"
#include "cells-inl.hpp"
#include "fused-inl.hpp"
#include "modifiers-inl.hpp"
