// Network summary (sg::viz, as mx.viz): print_summary.
#pragma once
#include "symbol.hpp"
#include "viz/summary.hpp"
#if defined(SYMGRAD_HEADER_ONLY)
#include "viz/all-inl.hpp"
#endif
