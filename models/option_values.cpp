#include "models/option_values.hpp"

#include <sstream>
#include <stdexcept>

#include "runtime/error.hpp"

namespace latent {

double option_number(const std::string& name, const std::string& text) {
  try {
    size_t used = 0;
    double d = std::stod(text, &used);
    if (used == text.size()) return d;
  } catch (const std::exception&) {
  }
  throw UserError("--" + name + " '" + text + "': expected a number");
}

int64_t option_int(const std::string& name, const std::string& text) {
  const double d = option_number(name, text);
  if (d != static_cast<double>(static_cast<int64_t>(d)))
    throw UserError("--" + name + " '" + text + "': expected an integer");
  return static_cast<int64_t>(d);
}

float option_float(const std::string& name, const std::string& text) {
  return static_cast<float>(option_number(name, text));
}

std::vector<int64_t> option_int_list(const std::string& name, const std::string& text) {
  std::vector<int64_t> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    try {
      size_t used = 0;
      out.push_back(std::stoll(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw UserError("--" + name + " '" + text + "': expected comma-separated integers");
    }
  }
  return out;
}

bool option_bool(const std::string& name, const std::string& text) {
  if (text == "true" || text == "1" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "no") return false;
  throw UserError("--" + name + " '" + text + "': expected true or false");
}

std::string option_choice(const std::string& name, const std::string& text,
                          std::initializer_list<const char*> allowed) {
  std::string list;
  size_t i = 0;
  for (const char* a : allowed) {
    if (text == a) return text;
    list += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + std::string(a);
    ++i;
  }
  throw UserError("--" + name + " " + text + ": expected " + list);
}

void require_option(bool ok, const std::string& name, const std::string& value,
                    const std::string& expected) {
  if (!ok) throw UserError("--" + name + " " + value + ": expected " + expected);
}

}  // namespace latent
