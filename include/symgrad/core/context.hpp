// Where an array lives: cpu() or gpu(n), as mx.cpu() / mx.gpu(n).
#pragma once
#include <string>
#include "config.hpp"

namespace SYMGRAD_NS {

enum class DeviceType : int { cpu = 1, gpu = 2 };  // MXNet's dev_type codes

struct Context {
  DeviceType device_type = DeviceType::cpu;
  int device_id = 0;
  friend constexpr bool operator==(const Context&, const Context&) = default;
  std::string str() const {
    return (device_type == DeviceType::cpu ? "cpu(" : "gpu(") + std::to_string(device_id) + ")";
  }
};

constexpr Context cpu(int id = 0) { return {DeviceType::cpu, id}; }
constexpr Context gpu(int id = 0) { return {DeviceType::gpu, id}; }

}  // namespace SYMGRAD_NS
