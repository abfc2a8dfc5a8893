// Moved: launcher and world detection are in core/world.hpp.
#pragma once
#include "../core/world.hpp"
