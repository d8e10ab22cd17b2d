#pragma once
// Runs the `latent` program in a scratch folder and captures what it printed.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace latent::testing {

struct RunResult {
  int status = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command line, capturing stdout and stderr together.
inline RunResult run_shell(const std::string& cmd) {
  RunResult r;
  FILE* p = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  int raw = pclose(p);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

// `args` is appended to the binary's path, `prefix` (environment, mpirun ...) goes before it;
// runs in `dir`.
inline RunResult run_latent(const std::string& args, const std::string& dir,
                            const std::string& prefix = "") {
  return run_shell("cd '" + dir + "' && OMP_NUM_THREADS=1 " + prefix + " " + LATENT_BIN + " " +
                   args + " 2>&1");
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A scratch folder holding mnist.h5 (the real digits, converted by `latent convert`).
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("latent-cli-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const char* data = std::getenv("LATENT_DATA_DIR");
    std::string json = std::string(data ? data : "data") + "/mnist-json";
    auto r = run(" convert --from mnist-json " + json + " --out mnist.h5");
    ASSERT_EQ(r.status, 0) << r.output;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  RunResult run(const std::string& args) { return run_latent(args, dir_.string()); }
  std::filesystem::path path(const std::string& name) const { return dir_ / name; }

  std::filesystem::path dir_;
};

}  // namespace latent::testing
