// libsymgrad: RNN cells.
// Every unit first: an implementation file may include another of the same group.
#define SYMGRAD_UNIT_RNN_CELL
#define SYMGRAD_UNIT_RNN_CELLS
#define SYMGRAD_UNIT_RNN_FUSED
#define SYMGRAD_UNIT_RNN_MODIFIERS

#include <symgrad/rnn/cell-inl.hpp>
#include <symgrad/rnn/cells-inl.hpp>
#include <symgrad/rnn/fused-inl.hpp>
#include <symgrad/rnn/modifiers-inl.hpp>
