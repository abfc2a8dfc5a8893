// libsymgrad: Symbol, composition, inference, JSON writing.
// Every unit first: an implementation file may include another of the same group.
#define SYMGRAD_UNIT_SYMBOL_COMPOSE
#define SYMGRAD_UNIT_SYMBOL_JSON
#define SYMGRAD_UNIT_SYMBOL_SYMBOL
#define SYMGRAD_UNIT_SYMBOL_SYMBOL_INFER

#include <symgrad/symbol/compose-inl.hpp>
#include <symgrad/symbol/json-inl.hpp>
#include <symgrad/symbol/symbol-inl.hpp>
#include <symgrad/symbol/symbol_infer-inl.hpp>
