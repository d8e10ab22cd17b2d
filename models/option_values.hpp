#pragma once
// Option values from their text, with errors that name the option: "--latent 'x': expected a
// number". Every option of `latent train` (the kinds' rows and the training options) reads its
// value through these.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace latent {

double option_number(const std::string& name, const std::string& text);
int64_t option_int(const std::string& name, const std::string& text);
float option_float(const std::string& name, const std::string& text);
// "400,200": comma-separated integers (empty items skipped).
std::vector<int64_t> option_int_list(const std::string& name, const std::string& text);
bool option_bool(const std::string& name, const std::string& text);  // true/1/yes, false/0/no
// `text` when it is one of `allowed`; UserError "--name 'text': expected a, b or c" otherwise.
std::string option_choice(const std::string& name, const std::string& text,
                          std::initializer_list<const char*> allowed);

// UserError "--name value: expected <expected>" unless ok.
void require_option(bool ok, const std::string& name, const std::string& value,
                    const std::string& expected);

}  // namespace latent
