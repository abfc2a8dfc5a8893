#define SYMGRAD_UNIT_RNN_CELL
#include <symgrad/rnn/cell-inl.hpp>
