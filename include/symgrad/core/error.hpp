// Errors are part of the interface: every failure a user can cause is one of these, with the full
// detail (node, operator, argument, expected, found, fix) in the message, in every build type.
#pragma once
#include <stdexcept>
#include <string>
#include "config.hpp"

namespace SYMGRAD_NS {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& msg) : std::runtime_error(msg) {}
};

// The message starts with the error's kind, as in "ShapeError: fc1 (FullyConnected): ...".
class ShapeError : public Error {
 public:
  explicit ShapeError(const std::string& m) : Error("ShapeError: " + m) {}
};
class TypeError : public Error {
 public:
  explicit TypeError(const std::string& m) : Error("TypeError: " + m) {}
};
class NameError : public Error {
 public:
  explicit NameError(const std::string& m) : Error("NameError: " + m) {}
};
class ValueError : public Error {
 public:
  explicit ValueError(const std::string& m) : Error("ValueError: " + m) {}
};
class IOError : public Error {
 public:
  explicit IOError(const std::string& m) : Error("IOError: " + m) {}
};
class DeviceError : public Error {
 public:
  explicit DeviceError(const std::string& m) : Error("DeviceError: " + m) {}
};

}  // namespace SYMGRAD_NS
