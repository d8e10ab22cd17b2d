// `latent eval --iw-samples K`: the VAE's importance-weighted bound next to the ELBO, and
// refusals of what has no such bound.
#include "cli_apps_util.hpp"

namespace latent {
namespace {

using testing::CliTest;
using testing::last_json;

TEST_F(CliTest, EvalReportsTheImportanceWeightedBoundOfAVae) {
  ASSERT_EQ(
      run(std::string(" train --data mnist.h5 --model vae --max-steps 100 --out run --threads 1") +
          testing::kSmall)
          .status,
      0);
  auto one = run(" eval --checkpoint run/checkpoint.h5 --data mnist.h5 --iw-samples 1 --threads 1");
  ASSERT_EQ(one.status, 0) << one.output;
  auto j1 = last_json(one.output);
  const double elbo = j1["elbo"].get<double>();
  EXPECT_NEAR(j1["loss"].get<double>(), -elbo, 1e-6);  // β = 1
  EXPECT_NEAR(j1["log_likelihood_iwae"].get<double>(), elbo, 0.01 * std::abs(elbo));
  EXPECT_EQ(j1["iw_samples"], 1);

  auto four =
      run(" eval --checkpoint run/checkpoint.h5 --data mnist.h5 --iw-samples 4 --threads 1");
  ASSERT_EQ(four.status, 0) << four.output;
  auto j4 = last_json(four.output);
  EXPECT_GT(j4["log_likelihood_iwae"].get<double>(), elbo + 0.5) << four.output;

  auto bad =
      run(" eval --checkpoint run/checkpoint.h5 --data mnist.h5 --iw-samples -3 --threads 1");
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("--iw-samples -3: expected 1 to"), std::string::npos) << bad.output;
}

TEST_F(CliTest, ImportanceWeightedBoundNeedsAVae) {
  ASSERT_EQ(
      run(std::string(" train --data mnist.h5 --model ae --max-steps 5 --out run --threads 1") +
          testing::kSmall)
          .status,
      0);
  auto r = run(" eval --checkpoint run/checkpoint.h5 --data mnist.h5 --iw-samples 5 --threads 1");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("--iw-samples needs a vae checkpoint"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace latent
