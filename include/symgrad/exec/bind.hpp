// Binding: Symbol::simple_bind and Symbol::bind make an Executor (exec/executor.hpp).
#pragma once
#include "executor.hpp"
