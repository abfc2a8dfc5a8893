// libsymgrad: the initializers; the composites (Mixed's regular expressions, Load) apart.
// Every unit first: an implementation file may include another of the same group.
#define SYMGRAD_UNIT_TRAIN_INIT_COMPOSITE
#define SYMGRAD_UNIT_TRAIN_INITIALIZER

#include <symgrad/train/init_composite-inl.hpp>
#include <symgrad/train/initializer-inl.hpp>
