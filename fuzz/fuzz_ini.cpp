// The INI config parser: `latent train --config FILE` with the fuzz bytes as FILE, and the same
// text as a checkpoint's stored config (what `latent eval` and --resume rebuild a model from).
#include <string>
#include <vector>

#include "fuzz_util.hpp"
#include "launch/run_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace latent;
  const std::string config = fuzz::write_file(fuzz::scratch_file("config.ini"), data, size);
  std::vector<std::string> args = {"train", "--config", config};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  fuzz::expect_clean([&] { parse_train_args(static_cast<int>(argv.size()), argv.data()); });
  const std::string text(reinterpret_cast<const char*>(data), size);
  fuzz::expect_clean([&] { model_config_from_text(text, "fuzz.h5"); });
  return 0;
}
