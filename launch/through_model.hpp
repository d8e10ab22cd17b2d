#pragma once
// What `reconstruct` and `denoise` do to each batch: the data through an autoencoder (its code,
// μ for a VAE, then the decoder), and each sample's error against the clean data.
#include <vector>

#include "models/model.hpp"

namespace latent {

class ThroughModel {
 public:
  // `model` has an Encoder and a Decoder (the commands ask for both).
  explicit ThroughModel(Model& model) : model_(model) {}
  // The images for `input` (on the model's device), in host memory.
  const Tensor& images(const Tensor& input);

 private:
  Model& model_;
  Tensor codes_, images_, host_images_;  // host_images_: the copy when the model is on a GPU
};

// out[i] = mean over sample i's values of (a - b)²; a and b hold n samples each.
void per_sample_mse(const Tensor& a, const Tensor& b, std::vector<float>& out);

}  // namespace latent
