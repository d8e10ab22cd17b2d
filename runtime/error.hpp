#pragma once
// An error the user can act on: bad input, a missing file, a value out of range. The message
// names the file / key / value and what was expected; `latent` prints it and exits non-zero.
#include <stdexcept>
#include <string>

namespace latent {

class UserError : public std::runtime_error {
 public:
  explicit UserError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace latent
