// symgrad: the one include for users. Arrays (with xtensor interop), symbols, every operator,
// typed expressions, bind and the Executor. RNN cells: <symgrad/rnn.hpp>; Module, initializers,
// optimizers, metrics and data iterators: <symgrad/train.hpp>.
#pragma once
#include "ndarray.hpp"
#include "symbol.hpp"
#include "typed.hpp"
#include "xtensor.hpp"
