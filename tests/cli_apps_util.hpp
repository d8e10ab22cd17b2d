#pragma once
// Helpers for the application-command tests: the JSON a command prints, datasets of its output
// file, PNG checks, and commands with an environment or under mpirun.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "cli_run.hpp"
#include "io/checkpoint_reader.hpp"
#include "io/png_file.hpp"

namespace latent::testing {

// The rows of a run's metrics.jsonl, parsed.
inline std::vector<nlohmann::json> metrics_rows(const std::filesystem::path& metrics) {
  std::vector<nlohmann::json> rows;
  std::istringstream in(read_text(metrics));
  std::string line;
  while (std::getline(in, line)) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

// The last JSON object line of stdout and stderr together: under mpirun the two streams are
// forwarded apart, so a progress line on stderr may arrive after the result.
inline nlohmann::json last_json(const std::string& output) {
  std::istringstream in(output);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty() && line[0] == '{') last = line;
  return nlohmann::json::parse(last);
}

inline Shape shape_of(const std::filesystem::path& file, const std::string& name) {
  return CheckpointReader(file.string()).shape(name);
}

inline Tensor tensor_of(const std::filesystem::path& file, const std::string& name) {
  return CheckpointReader(file.string()).read_tensor(name);
}

// Asserts a readable PNG of this size holding more than one value.
inline void expect_png(const std::filesystem::path& file, int64_t width, int64_t height) {
  ASSERT_TRUE(std::filesystem::exists(file)) << file;
  PngImage img = read_png(file.string());
  EXPECT_EQ(img.width, width) << file;
  EXPECT_EQ(img.height, height) << file;
  auto [lo, hi] = std::minmax_element(img.pixels.begin(), img.pixels.end());
  EXPECT_LT(*lo, *hi) << file << " is one flat colour";
}

// `prefix` goes before the binary (environment variables, mpirun ...).
inline RunResult run_with(const std::string& prefix, const std::string& args,
                          const std::string& dir) {
  return run_latent(args, dir, prefix);
}

inline bool have_mpirun() {
  return std::system("command -v mpirun >/dev/null 2>&1") == 0;
}
inline const char* kMpirun2 =
    "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -np 2 --oversubscribe";

// Small models: a few hundred steps of 64 hidden units and an 8-d code at most.
inline const char* kSmall = " --hidden 64 --latent 8 --batch 100 --log-every 50";
// A VAE of a few steps, logging each (the device and precision options' runs).
inline const char* kTinyVae =
    " train --data mnist.h5 --model vae --hidden 32 --latent 4 --batch 100 --log-every 1";

}  // namespace latent::testing
