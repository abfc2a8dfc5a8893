#define SYMGRAD_UNIT_RNN_FUSED
#include <symgrad/rnn/fused-inl.hpp>
