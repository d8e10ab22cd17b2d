#include "models/training_checks.hpp"

#include <algorithm>
#include <cmath>

#include "runtime/error.hpp"
#include "runtime/ops.hpp"
#include "runtime/vector_clones.hpp"

namespace latent {
namespace {

// One vectorized pass (this runs on the training thread each step); NaN counts as outside.
LATENT_VECTOR_CLONES bool all_in_unit_interval(const float* __restrict p, int64_t n) {
  uint32_t outside = 0;
  for (int64_t i = 0; i < n; ++i)
    outside |= static_cast<uint32_t>(!(p[i] >= 0.0f)) | static_cast<uint32_t>(!(p[i] <= 1.0f));
  return outside == 0;
}

}  // namespace

void expect_finite_metrics(const Metrics& m, int64_t step, int64_t epoch) {
  for (auto& [k, scalar] : m.items())
    if (const double v = scalar.value(); !std::isfinite(v))
      throw UserError("training diverged: " + k + " is " + std::to_string(v) + " at step " +
                      std::to_string(step) + " (epoch " + std::to_string(epoch + 1) +
                      "); lower --lr or check the data");
}

FiniteParameterCheck::FiniteParameterCheck(Model& model) {
  for (Network* net : model.networks())
    nonfinite_.emplace_back(net->name(), ops::count_nonfinite(net->store().values()));
}

void FiniteParameterCheck::expect(int64_t step) const {
  for (const auto& [name, count] : nonfinite_)
    if (count.value() != 0.0)
      throw UserError("training diverged: " + name + " parameters are not finite at step " +
                      std::to_string(step) + "; lower --lr");
}

UnitIntervalCheck::UnitIntervalCheck(const ModelConfig& config, const ModelTraits& traits) {
  if (traits.unit_data == UnitData::kAlways)
    why_ = "the " + config.kind + "'s sigmoid output";
  else if (traits.unit_data == UnitData::kWithBce && config.recon == "bce")
    why_ = "--recon bce";
}

void UnitIntervalCheck::check(const Tensor& images, const DatasetSpec& spec, uint64_t first) const {
  const float* p = images.data();
  const int64_t n = images.numel();
  if (!active() || all_in_unit_interval(p, n)) return;
  auto [lo, hi] = std::minmax_element(p, p + n);
  const int64_t at = (*lo < 0.0f ? lo : hi) - p;
  const int64_t per = n / std::max<int64_t>(1, images.dim(0));
  throw UserError(spec.path + ": /" + spec.images_name + " sample " +
                  std::to_string(first + static_cast<uint64_t>(at / per)) + " holds " +
                  std::to_string(p[at]) + "; " + why_ +
                  " expects values in [0, 1]: rescale the data (latent convert --scale 1/255 for "
                  "0..255 values)" +
                  (why_ == "--recon bce" ? " or train with --recon mse" : ""));
}

}  // namespace latent
