// The sequence operators, over data (T, N, ...) with axis=0 or (N, T, ...) with axis=1, and,
// when use_sequence_length, a second input sequence_length (N,) of each sequence's length
// (values are truncated to integers):
//   SequenceMask(data[, sequence_length]; use_sequence_length=False, value=0, axis=0): steps at
//     or past a sequence's length become `value`. Shape: the data's. dx = dy on the kept steps.
//   SequenceLast(...; use_sequence_length=False, axis=0): each sequence's last step (step T−1
//     without lengths). Shape: the data's without `axis`. dx = dy at that step, 0 elsewhere.
//   SequenceReverse(...; use_sequence_length=False, axis=0): each sequence's first `length`
//     steps in reverse order, the rest unchanged (axis 0 only, as MXNet). dx = dy reversed alike.
// sequence_length gets no gradient. A length below 0 (below 1 for SequenceLast) or above T is a
// ValueError naming the value and the sequence, for SequenceLast and SequenceReverse (MXNet reads
// outside the data); SequenceMask masks nothing past T.
#pragma once
#include <string>

#include "../symbol/compose.hpp"

namespace SYMGRAD_NS {
namespace ops {
// Operator classes (ops/sequence-inl.hpp).
class Sequence;
class SequenceBackward;
}  // namespace ops

namespace sym {
struct SequenceMaskOptions {
  bool use_sequence_length = false;
  double value = 0;
  int axis = 0;
  std::string name = {};
};
struct SequenceOptions {
  bool use_sequence_length = false;
  int axis = 0;
  std::string name = {};
};
// sequence_mask(x, lengths, {.use_sequence_length = true, .value = -1e9}); `lengths` is ignored
// (give Symbol()) without use_sequence_length.
Symbol sequence_mask(const Symbol& data, const Symbol& sequence_length, const SequenceMaskOptions& o = {});
Symbol sequence_last(const Symbol& data, const Symbol& sequence_length, const SequenceOptions& o = {});
Symbol sequence_reverse(const Symbol& data, const Symbol& sequence_length, const SequenceOptions& o = {});
// The same under MXNet's names.
Symbol SequenceMask(const Symbol& data, const Symbol& sequence_length, const SequenceMaskOptions& o = {});
Symbol SequenceLast(const Symbol& data, const Symbol& sequence_length, const SequenceOptions& o = {});
Symbol SequenceReverse(const Symbol& data, const Symbol& sequence_length, const SequenceOptions& o = {});
}  // namespace sym
}  // namespace SYMGRAD_NS
