#include "models/reconstruction.hpp"

#include "runtime/ops.hpp"

namespace latent {

Reconstruction::Reconstruction(const std::string& kind) : logits_(kind == "bce") {
  if (logits_)
    loss_ = std::make_unique<BceWithLogitsLoss>();
  else
    loss_ = std::make_unique<MseLoss>();
}

Scalar Reconstruction::loss(const Tensor& output, const Tensor& target, float grad_scale,
                            Tensor* per_sample) {
  return loss_->forward(output, target, grad_scale, per_sample);
}

void Reconstruction::to_images(const Tensor& output, Tensor& images) const {
  images.resize(output.shape(), output.device());
  if (logits_)
    ops::eltwise_forward(ops::Activation::kSigmoid, 0.0f, output, images);
  else
    images.copy_from(output);
}

Scalar Reconstruction::squared_error(const Tensor& output, const Tensor& target,
                                     Tensor* per_sample) {
  to_images(output, images_);
  return ops::mse(images_, target, nullptr, 0.0f, per_sample);
}

}  // namespace latent
