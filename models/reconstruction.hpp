#pragma once
// The reconstruction term shared by the autoencoders and the VAE: BCE on logits (data in
// [0, 1]) or MSE on linear outputs, and the decoder's output turned into images.
#include <memory>
#include <string>

#include "layers/losses.hpp"

namespace latent {

class Reconstruction {
 public:
  explicit Reconstruction(const std::string& kind);  // "bce" | "mse"
  // Σ over the batch; grad() is d/d output scaled by grad_scale.
  Scalar loss(const Tensor& output, const Tensor& target, float grad_scale,
              Tensor* per_sample = nullptr);
  const Tensor& grad() const { return loss_->grad(); }
  // Decoder output → values in the data's space (sigmoid of logits for bce).
  void to_images(const Tensor& output, Tensor& images) const;
  // Σ (image - target)² over the batch, on the images of `output`.
  Scalar squared_error(const Tensor& output, const Tensor& target, Tensor* per_sample = nullptr);

 private:
  bool logits_;
  std::unique_ptr<Loss> loss_;
  Tensor images_;
};

}  // namespace latent
