// Definitions of train/init_base.hpp.
#pragma once
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <utility>
#include "init_base.hpp"

#if defined(SYMGRAD_HEADER_ONLY) || defined(SYMGRAD_UNIT_TRAIN_INIT_BASE)
namespace SYMGRAD_NS::init {

SYMGRAD_INLINE bool known_pattern(std::string_view name) { return detail::find_pattern(name) != nullptr; }
namespace detail {
SYMGRAD_INLINE const Pattern* find_pattern(std::string_view name) {
  for (const auto& p : kPatterns)
    if (name.ends_with(p.suffix)) return &p;
  return nullptr;
}
SYMGRAD_INLINE std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}
SYMGRAD_INLINE bool looks_like_label(std::string_view name) { return lower(name).ends_with("label"); }
SYMGRAD_INLINE std::string json_string(const std::string& s) { return nlohmann::json(s).dump(-1, ' ', true); }
SYMGRAD_INLINE std::string json_float(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, r.ptr);  // "-1.5e-05"
  const auto e = sci.find('e');
  const int exp = std::stoi(sci.substr(e + 1));
  std::string out = v < 0 ? "-" : "", digits;
  for (char c : sci.substr(0, e))
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  if (exp < -4 || exp >= 16) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    std::string ex = std::to_string(exp < 0 ? -exp : exp);
    return out + "e" + (exp < 0 ? "-" : "+") + (ex.size() < 2 ? "0" : "") + ex;
  }
  if (exp < 0) return out + "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
  const auto int_len = static_cast<std::size_t>(exp) + 1;
  if (digits.size() <= int_len) return out + digits + std::string(int_len - digits.size(), '0') + ".0";
  return out + digits.substr(0, int_len) + "." + digits.substr(int_len);
}
SYMGRAD_INLINE std::string json_number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e16)
    return std::to_string(static_cast<long long>(v));
  return json_float(v);
}
SYMGRAD_INLINE Kwargs::Kwargs(std::string who, const nlohmann::json& obj) : who_(std::move(who)), obj_(obj) {
  if (!obj_.is_object())
    throw ValueError("init::create: the arguments of '" + who_ + "' must be a JSON object, got " +
                     obj_.dump());
}
SYMGRAD_INLINE double Kwargs::number(const std::string& key, double def) {
  auto it = take(key);
  if (!it) return def;
  if (!it->is_number())
    throw ValueError("init::create: '" + who_ + "' argument '" + key + "' must be a number, got " +
                     it->dump());
  return it->get<double>();
}
SYMGRAD_INLINE std::string Kwargs::string(const std::string& key, const std::string& def) {
  auto it = take(key);
  if (!it) return def;
  if (!it->is_string())
    throw ValueError("init::create: '" + who_ + "' argument '" + key + "' must be a string, got " +
                     it->dump());
  return it->get<std::string>();
}
SYMGRAD_INLINE const nlohmann::json& Kwargs::required(const std::string& key) {
  if (auto* v = take(key)) return *v;
  throw ValueError("init::create: '" + who_ + "' needs the argument '" + key + "', got " + obj_.dump());
}
SYMGRAD_INLINE std::int64_t Kwargs::integer(const std::string& key) {
  const auto& v = required(key);
  if (!v.is_number_integer())
    throw ValueError("init::create: '" + who_ + "' argument '" + key + "' must be an integer, got " +
                     v.dump());
  return v.get<std::int64_t>();
}
SYMGRAD_INLINE bool Kwargs::boolean(const std::string& key, bool def) {
  auto it = take(key);
  if (!it) return def;
  if (!it->is_boolean())
    throw ValueError("init::create: '" + who_ + "' argument '" + key + "' must be true or false, got " +
                     it->dump());
  return it->get<bool>();
}
SYMGRAD_INLINE void Kwargs::finish() const {
  for (auto it = obj_.begin(); it != obj_.end(); ++it)
    if (std::find(seen_.begin(), seen_.end(), it.key()) == seen_.end())
      throw ValueError("init::create: '" + who_ + "' has no argument '" + it.key() + "'" +
                       (seen_.empty() ? std::string(" (it takes none)")
                                      : "; it takes " + symgrad::detail::quoted_list(seen_)) +
                       symgrad::detail::did_you_mean(it.key(), seen_));
}
SYMGRAD_INLINE const nlohmann::json* Kwargs::take(const std::string& key) {
  seen_.push_back(key);
  auto it = obj_.find(key);
  return it == obj_.end() ? nullptr : &*it;
}
}  // namespace detail
SYMGRAD_INLINE void Initializer::operator()(const InitDesc& desc, const NDArray& arr,
                                            nd::random::Generator& gen) const {
  if (arr.is_none())
    throw ValueError("init: cannot initialize '" + desc.name + "': the array is empty (none)");
  if (!desc.global_init) {
    InitDesc d = desc;
    d.global_init = this;
    (*this)(d, arr, gen);
    return;
  }
  if (auto it = desc.attrs.find("__init__"); it != desc.attrs.end() && !it->second.empty()) {
    create(it->second)->init_weight(desc, arr, gen);
    return;
  }
  const detail::Pattern* p = detail::find_pattern(desc.name);
  if (!p) detail::unknown_pattern(desc.name);
  if (p->weight)
    init_weight(desc, arr, gen);
  else
    arr.fill(p->value);
}
SYMGRAD_INLINE std::string Initializer::dumps() const {
  std::string s = "[" + detail::json_string(name()) + ", {";
  bool first = true;
  for (const auto& [k, v] : kwargs()) {
    s += (first ? "" : ", ") + detail::json_string(k) + ": " + v;
    first = false;
  }
  return s + "}]";
}
SYMGRAD_INLINE auto Initializer::kwargs() const -> KwargList { return {}; }

}  // namespace SYMGRAD_NS::init
#endif
