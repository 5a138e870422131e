#include "http/message.h"

namespace sr::http {

std::string_view Request::Param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return {};
}

std::string_view Request::Header(bhttp::field field) const {
  auto it = message.find(field);
  if (it == message.end()) return {};
  return it->value();
}

std::string_view Request::Header(std::string_view name) const {
  auto it = message.find(name);
  if (it == message.end()) return {};
  return it->value();
}

}  // namespace sr::http
