#include "models/metrics_accumulator.hpp"

namespace latent {

void MetricsAccumulator::add(const Metrics& m, double weight) {
  for (auto& [name, value] : m.items()) {
    size_t i = 0;
    while (i < names_.size() && names_[i] != name) ++i;
    if (i == names_.size()) {
      names_.push_back(name);
      terms_.emplace_back();
      weights_.push_back(0.0);
    }
    terms_[i].push_back(value);
    weights_[i] += weight;
  }
}

Metrics MetricsAccumulator::reduce(Communicator& comm) {
  // The first pending value read fetches all of them (one wait for a GPU); then each sum is
  // added in step order.
  std::vector<double> both;
  for (const auto& terms : terms_) {
    double sum = 0.0;
    for (const Scalar& t : terms) sum += t.value();
    both.push_back(sum);
  }
  both.insert(both.end(), weights_.begin(), weights_.end());
  comm.allreduce_sum(both.data(), both.size());
  Metrics m;
  for (size_t i = 0; i < names_.size(); ++i)
    m.set(names_[i], both[names_.size() + i] > 0 ? both[i] / both[names_.size() + i] : 0.0);
  return m;
}

void MetricsAccumulator::clear() {
  names_.clear();
  terms_.clear();
  weights_.clear();
}

}  // namespace latent
