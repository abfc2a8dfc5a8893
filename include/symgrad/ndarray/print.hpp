// Printing like numpy (and MXNet's NDArray repr): aligned columns, at most 8 fractional digits,
// "1." for integral floats, "..." past 1000 elements, then "<NDArray 2x3 @cpu(0)>".
#pragma once
#include <iosfwd>
#include <string>

#include "ndarray.hpp"

namespace SYMGRAD_NS {

std::ostream& operator<<(std::ostream& os, const NDArray& a);
std::string to_string(const NDArray& a);

}  // namespace SYMGRAD_NS
