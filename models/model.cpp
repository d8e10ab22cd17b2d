#include "models/model.hpp"

#include "runtime/rng.hpp"

namespace latent {

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

void generate_from_prior(Decoder& decoder, Device device, int64_t n, uint32_t seed, Tensor& out,
                         uint64_t first_index) {
  Tensor z(Shape{n, decoder.code_size()}, device);
  CounterRng(seed, kStreamGenerate).fill_normal(z, first_index);
  decoder.decode(z, out);
}

}  // namespace latent
