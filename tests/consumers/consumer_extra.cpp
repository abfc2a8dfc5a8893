// A second file of the consumer program: header-only mode must link when several files
// include symgrad (every definition is inline there).
#include <symgrad/symgrad.hpp>
#include <symgrad/train.hpp>

double second_file_sum(const symgrad::NDArray& a) { return symgrad::nd::sum(a).item(); }
