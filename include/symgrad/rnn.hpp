// RNN cells and unroll (sg::rnn), as mx.rnn.
#pragma once
#include "rnn/cell.hpp"
#include "rnn/cells.hpp"
#include "rnn/fused.hpp"
#include "rnn/modifiers.hpp"
#include "symgrad.hpp"
#if defined(SYMGRAD_HEADER_ONLY)
#include "rnn/all-inl.hpp"
#endif
