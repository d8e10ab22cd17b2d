#pragma once
// Drives a model through steps over an in-memory dataset (the trainer streams HDF5; the model
// tests only need batches).
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "models/model.hpp"

namespace latent::testing {

struct TrainTrace {
  std::vector<Metrics> steps;
  double mean(const std::string& key, size_t from, size_t to) const {
    double s = 0;
    for (size_t i = from; i < to; ++i) s += steps[i].get(key);
    return s / static_cast<double>(to - from);
  }
  double first(const std::string& key, size_t n = 5) const { return mean(key, 0, n); }
  double last(const std::string& key, size_t n = 5) const {
    return mean(key, steps.size() - n, steps.size());
  }
};

// "sparse_ae_mlp": the test name of a (kind, arch) parameter.
inline std::string kind_arch_name(const std::pair<const char*, const char*>& kind_arch) {
  std::string n = std::string(kind_arch.first) + "_" + kind_arch.second;
  for (auto& ch : n)
    if (ch == '-') ch = '_';
  return n;
}

inline Tensor rows_of(const Tensor& data, int64_t begin, int64_t n) {
  return data.slice(begin, begin + n);
}

// labels[begin, begin + n), or empty when there are none.
inline std::vector<int> labels_of(const std::vector<int>* labels, int64_t begin, int64_t n) {
  if (!labels) return {};
  return std::vector<int>(labels->begin() + begin, labels->begin() + begin + n);
}

// `steps` updates with batches taken in order, wrapping around the data (and its labels, for
// the classifier).
inline TrainTrace train_steps(Model& model, const Tensor& data, int64_t batch, int steps,
                              uint32_t seed = 7, uint64_t first_step = 0,
                              const std::vector<int>* labels = nullptr) {
  TrainTrace trace;
  int64_t per_epoch = data.dim(0) / batch;
  for (int s = 0; s < steps; ++s) {
    uint64_t step = first_step + s;
    Tensor x = rows_of(data, (step % per_epoch) * batch, batch);
    std::vector<int> y = labels_of(labels, (step % per_epoch) * batch, batch);
    BatchInfo info{step * batch, batch, seed, 1.0f, static_cast<int64_t>(step), &y};
    trace.steps.push_back(model.train_step(x, info));
  }
  return trace;
}

// Per-sample BCE (nats) of predicting every sample by the data's mean image: what a decoder
// that ignores its code reaches at best. A model learns when it gets well below this.
inline double mean_image_bce(const Tensor& data) {
  const int64_t n = data.dim(0), d = data.shape().per_sample();
  double total = 0;
  for (int64_t j = 0; j < d; ++j) {
    double m = 0;
    for (int64_t i = 0; i < n; ++i) m += data.data()[i * d + j];
    m = std::clamp(m / n, 1e-6, 1 - 1e-6);
    for (int64_t i = 0; i < n; ++i) {
      double x = data.data()[i * d + j];
      total -= x * std::log(m) + (1 - x) * std::log(1 - m);
    }
  }
  return total / n;
}

// How generated samples compare with real ones: the squared distance between their mean images
// (a generator that learns moves it towards 0), and the mean per-pixel variance of the samples
// over that of the data (a generator collapsed to one image has ~0).
struct SampleStats {
  double mean_gap = 0, variance_ratio = 0;
};
inline SampleStats compare_samples(const Tensor& fake, const Tensor& real) {
  const int64_t d = real.shape().per_sample(), nf = fake.dim(0), nr = real.dim(0);
  double gap = 0, var_f = 0, var_r = 0;
  for (int64_t j = 0; j < d; ++j) {
    double sf = 0, sff = 0, sr = 0, srr = 0;
    for (int64_t i = 0; i < nf; ++i) {
      double v = fake.data()[i * d + j];
      sf += v, sff += v * v;
    }
    for (int64_t i = 0; i < nr; ++i) {
      double v = real.data()[i * d + j];
      sr += v, srr += v * v;
    }
    gap += std::pow(sf / nf - sr / nr, 2);
    var_f += sff / nf - std::pow(sf / nf, 2);
    var_r += srr / nr - std::pow(sr / nr, 2);
  }
  return {gap, var_f / var_r};
}

// Σ metrics over the data in batches, divided by the samples.
inline Metrics evaluate_all(Model& model, const Tensor& data, int64_t batch,
                            const std::vector<int>* labels = nullptr) {
  Metrics total;
  int64_t n = (data.dim(0) / batch) * batch;
  for (int64_t b = 0; b < n; b += batch) {
    Tensor x = rows_of(data, b, batch);
    std::vector<int> y = labels_of(labels, b, batch);
    Metrics m =
        model.evaluate(x, BatchInfo{static_cast<uint64_t>(b), batch, 7, 1.0f, 0, &y}, nullptr);
    for (auto& [k, v] : m.items()) total.set(k, (total.has(k) ? total.get(k) : 0.0) + v);
  }
  Metrics mean;
  for (auto& [k, v] : total.items()) mean.set(k, v / static_cast<double>(n));
  return mean;
}

}  // namespace latent::testing
