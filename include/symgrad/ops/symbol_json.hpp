// Symbol JSON, saving and loading: declared with Symbol (symbol/json.hpp).
#pragma once
#include "../symbol/json.hpp"
