// libsymgrad: network summary and drawing.
// Every unit first: an implementation file may include another of the same group.
#define SYMGRAD_UNIT_VIZ_PLOT
#define SYMGRAD_UNIT_VIZ_SUMMARY

#include <symgrad/viz/plot-inl.hpp>
#include <symgrad/viz/summary-inl.hpp>
