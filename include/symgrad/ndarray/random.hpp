// Seeded random arrays: nd::random::uniform / normal. A given seed gives the same values on every
// machine (the generator and the distributions are implemented here, not taken from <random>'s
// implementation-defined distributions).
#pragma once
#include <cstdint>

#include "ndarray.hpp"

namespace SYMGRAD_NS::nd::random {

// SplitMix64-seeded xoshiro256**: small, fast and fully specified.
class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0) { this->seed(seed); }
  void seed(std::uint64_t seed) {
    for (auto& x : s_) {
      seed += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      x = z ^ (z >> 31);
    }
  }
  std::uint64_t next() {
    std::uint64_t r = rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return r;
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double normal01();  // Box-Muller (ndarray/random-inl.hpp)

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

struct Options {
  DType dtype = DType::float32;
  Context ctx = cpu();
  std::uint64_t seed = 0;
};

NDArray uniform(double low, double high, const Shape& shape, Generator& g, const Options& o = {});
NDArray uniform(double low, double high, const Shape& shape, const Options& o = {});
NDArray normal(double loc, double scale, const Shape& shape, Generator& g, const Options& o = {});
NDArray normal(double loc, double scale, const Shape& shape, const Options& o = {});

}  // namespace SYMGRAD_NS::nd::random
