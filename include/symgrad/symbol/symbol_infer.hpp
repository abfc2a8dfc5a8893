// Symbol::infer_shape and infer_type are members of Symbol (symbol/symbol.hpp).
#pragma once
#include "symbol.hpp"
