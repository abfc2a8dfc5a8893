// libsymgrad: the out-of-line parts of core/ (attribute strings, Shape::str, message helpers, the profiler).
// Every unit first: an implementation file may include another of the same group.
#define SYMGRAD_UNIT_CORE_ATTRS
#define SYMGRAD_UNIT_CORE_CORE
#define SYMGRAD_UNIT_CORE_PROFILER
#define SYMGRAD_UNIT_CORE_STRINGS

#include <symgrad/core/attrs-inl.hpp>
#include <symgrad/core/core-inl.hpp>
#include <symgrad/core/profiler-inl.hpp>
#include <symgrad/core/strings-inl.hpp>
