#pragma once
#include "operator.hpp"
