// libsymgrad: one compile unit (see include/symgrad/core/config.hpp).
#define SYMGRAD_UNIT_OPS_RNN
#include <symgrad/ops/rnn-inl.hpp>
