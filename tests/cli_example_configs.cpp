// Every example config shipped in launch/configs (and installed in share/latent/configs)
// trains: a few steps of each on the digits, with the conv widths it resolves printed.
#include <filesystem>

#include "cli_run.hpp"

namespace latent {
namespace {

class ExampleConfigs : public testing::CliTest {};

TEST_F(ExampleConfigs, EveryOneTrains) {
  const char* data = std::getenv("LATENT_DATA_DIR");
  const std::filesystem::path configs =
      std::filesystem::path(data ? data : "data") / ".." / "launch" / "configs";
  int seen = 0;
  for (const auto& e : std::filesystem::directory_iterator(configs)) {
    if (e.path().extension() != ".ini") continue;
    ++seen;
    const std::string name = e.path().stem().string();
    auto r = run(" train --config " + e.path().string() +
                 " --data mnist.h5 --threads 1 --max-steps 2 --batch 16 --out " + name);
    ASSERT_EQ(r.status, 0) << name << ": " << r.output;
    EXPECT_TRUE(std::filesystem::exists(path(name + "/checkpoint.h5"))) << name;
    if (testing::read_text(e.path()).find("conv-widths = auto") != std::string::npos) {
      EXPECT_NE(r.output.find("conv widths: 64,128 (auto"), std::string::npos) << name << r.output;
    }
  }
  EXPECT_GE(seen, 9);
}

}  // namespace
}  // namespace latent
