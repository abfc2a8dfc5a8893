#define SYMGRAD_UNIT_OPS_RNN
#include <symgrad/ops/rnn-inl.hpp>
