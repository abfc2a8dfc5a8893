// Symbol JSON in MXNet's format: Symbol::tojson and Symbol::save (symbol/json-inl.hpp), and
// Symbol::load / load_json, which need the operator registry (exec/symbol_json-inl.hpp).
#pragma once
#include <string>

#include "symbol.hpp"

namespace SYMGRAD_NS::sym {
// As mx.sym.load and mx.sym.load_json.
Symbol load(const std::string& path);
Symbol load_json(const std::string& json);
}  // namespace SYMGRAD_NS::sym
