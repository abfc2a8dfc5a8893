// A name -> array view over an executor's arrays (arg_dict, grad_dict, aux_dict, output_dict).
// Lookups of unknown names, and of gradients that were not requested, are clear errors.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "../core/req.hpp"
#include "../ndarray/ndarray.hpp"

namespace SYMGRAD_NS {

class NamedArrays {
 public:
  NamedArrays(const char* what, const std::vector<std::string>& names, std::vector<NDArray>& arrays,
              const std::vector<OpReq>* reqs = nullptr)
      : what_(what), names_(&names), arrays_(&arrays), reqs_(reqs) {}

  std::size_t size() const { return names_->size(); }
  bool contains(std::string_view name) const { return find(name) < size(); }
  const std::vector<std::string>& names() const { return *names_; }

  // Unknown names, and gradients that were not requested, are errors that say so.
  NDArray& at(std::string_view name) const;
  NDArray& operator[](std::string_view name) const { return at(name); }

  struct Item {
    const std::string& name;
    NDArray& array;
  };
  class Iterator {
   public:
    Iterator(const NamedArrays* d, std::size_t i) : d_(d), i_(i) {}
    Item operator*() const { return {(*d_->names_)[i_], (*d_->arrays_)[i_]}; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return i_ != o.i_; }

   private:
    const NamedArrays* d_;
    std::size_t i_;
  };
  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, size()}; }

 private:
  std::size_t find(std::string_view name) const {
    for (std::size_t i = 0; i < names_->size(); ++i)
      if ((*names_)[i] == name) return i;
    return size();
  }
  const char* what_;
  const std::vector<std::string>* names_;
  std::vector<NDArray>* arrays_;
  const std::vector<OpReq>* reqs_;
};

}  // namespace SYMGRAD_NS
