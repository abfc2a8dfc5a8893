// libsymgrad: SequenceMask, SequenceLast, SequenceReverse and take.
#define SYMGRAD_UNIT_OPS_SEQUENCE
#define SYMGRAD_UNIT_OPS_TAKE

#include <symgrad/ops/sequence-inl.hpp>
#include <symgrad/ops/take-inl.hpp>
