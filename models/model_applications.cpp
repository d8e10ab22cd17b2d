// Model's defaults for the application commands: refusals naming the model and what it lacks,
// and the anomaly score as the per-sample loss.
#include "models/model.hpp"
#include "runtime/error.hpp"

namespace latent {

void Model::encode(const Tensor&, Tensor&, Tensor*) {
  throw UserError("model " + kind() + " has no encoder: it cannot encode data (ae, sparse-ae, " +
                  "denoising-ae and vae can)");
}

void Model::decode(const Tensor&, Tensor&) {
  throw UserError("model " + kind() + " cannot decode codes");
}

std::vector<StreamId> Model::random_streams() {
  std::vector<StreamId> streams{kStreamGenerate};
  for (Network* net : networks())
    for (size_t i = 0; i < net->layers().size(); ++i)
      streams.push_back(derive_stream(net->init_stream(), net->layers().layer_name(i)));
  return streams;
}

Shape Model::batch_shape(int64_t n) const {
  return config_.sample_shape.batch_of(n);
}

void Model::score(const Tensor& batch, const BatchInfo& info, Tensor& scores) {
  scores.resize(Shape{batch.dim(0)}, batch.device());
  evaluate(batch, info, &scores);
}

}  // namespace latent
