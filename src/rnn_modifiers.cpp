#define SYMGRAD_UNIT_RNN_MODIFIERS
#include <symgrad/rnn/modifiers-inl.hpp>
