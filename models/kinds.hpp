#pragma once
// The functions behind each row of the kinds table (models/model_kinds.cpp): every kind's own
// options, validation and construction, defined in the kind's file.
#include <memory>
#include <vector>

#include "models/model_kinds.hpp"

namespace latent {

// ae (models/autoencoder.cpp)
const std::vector<ModelOption>& autoencoder_options();
void validate_autoencoder(const ModelConfig& c);
std::unique_ptr<Model> make_autoencoder(const ModelConfig& c, uint32_t seed);

// sparse-ae (models/sparse_autoencoder.cpp)
const std::vector<ModelOption>& sparse_autoencoder_options();
void validate_sparse_autoencoder(const ModelConfig& c);
std::unique_ptr<Model> make_sparse_autoencoder(const ModelConfig& c, uint32_t seed);

// denoising-ae (models/denoising_autoencoder.cpp)
const std::vector<ModelOption>& denoising_autoencoder_options();
void validate_denoising_autoencoder(const ModelConfig& c);
std::unique_ptr<Model> make_denoising_autoencoder(const ModelConfig& c, uint32_t seed);

// vae (models/vae.cpp)
const std::vector<ModelOption>& vae_options();
void validate_vae(const ModelConfig& c);
std::unique_ptr<Model> make_vae(const ModelConfig& c, uint32_t seed);

// cvae (models/conditional_vae.cpp)
const std::vector<ModelOption>& conditional_vae_options();
void validate_conditional_vae(const ModelConfig& c);
std::unique_ptr<Model> make_conditional_vae(const ModelConfig& c, uint32_t seed);

// gan (models/gan.cpp)
const std::vector<ModelOption>& gan_options();
void validate_gan(const ModelConfig& c);
std::unique_ptr<Model> make_gan(const ModelConfig& c, uint32_t seed);

// cgan (models/conditional_gan.cpp)
const std::vector<ModelOption>& conditional_gan_options();
void validate_conditional_gan(const ModelConfig& c);
std::unique_ptr<Model> make_conditional_gan(const ModelConfig& c, uint32_t seed);

// classifier (models/classifier.cpp)
const std::vector<ModelOption>& classifier_options();
void validate_classifier(const ModelConfig& c);
std::unique_ptr<Model> make_classifier(const ModelConfig& c, uint32_t seed);

// Options more than one kind takes, each defined once: the reconstruction loss (the
// autoencoders, vae; models/autoencoder.cpp) and the learning rate (all but gan).
ModelOption recon_option();
ModelOption lr_option();
void validate_recon_and_lr(const ModelConfig& c);
// The EMA of the generating network's weights (models/model_kinds.cpp).
ModelOption ema_option();
void validate_ema(const ModelConfig& c);
// The class count of the kinds that train on labels (models/model_kinds.cpp).
ModelOption num_classes_option();
void validate_num_classes(const ModelConfig& c);

}  // namespace latent
