#include "models/average_weights.hpp"

namespace latent {

AverageWeights::AverageWeights(Model& model) : model_(model) {
  for (Network* net : model_.networks())
    if (net->has_average()) net->swap_average(), any_ = true;
}

AverageWeights::~AverageWeights() {
  for (Network* net : model_.networks())
    if (net->has_average()) net->swap_average();
}

}  // namespace latent
