#define SYMGRAD_UNIT_RNN_CELLS
#include <symgrad/rnn/cells-inl.hpp>
