// Network summary and drawing (sg::viz, as mx.viz): print_summary and plot_network.
#pragma once
#include "symbol.hpp"
#include "viz/plot.hpp"
#include "viz/summary.hpp"
#if defined(SYMGRAD_HEADER_ONLY)
#include "viz/all-inl.hpp"
#endif
