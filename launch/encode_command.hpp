#pragma once
// The work of `latent encode`, which `latent plot-latent` builds on: the code of every sample,
// each rank on its shard, into one file: /latent (N, K) (μ for a VAE), /logvar (VAE), /labels.
#include <string>
#include <vector>

#include "launch/app_driver.hpp"

namespace latent {

class EncodeCommand : public AppCommand {
 public:
  EncodeCommand();

 protected:
  explicit EncodeCommand(AppSpec spec) : AppCommand(std::move(spec)) {}
  std::vector<TableColumn> output_columns() override;
  void batch(const AppBatch& b) override;
  void finish() override;
  Encoder& encoder() { return *model().as_encoder(); }

 private:
  Tensor codes_, logvars_, host_codes_, host_logvars_;  // host copies when the model is on a GPU
};

}  // namespace latent
