// RNN cells and unroll (sg::rnn), as mx.rnn.
#pragma once
#include "symgrad.hpp"
#include "rnn/cell.hpp"
#include "rnn/cells.hpp"
#include "rnn/fused.hpp"
#include "rnn/modifiers.hpp"
