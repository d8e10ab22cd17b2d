#pragma once
// Optimizers over a parameter store's flat buffers: one update loop per step, no per-tensor
// calls. State (momentum, Adam's m and v) is flat too and saved in checkpoints with the step
// count, an integer (a float count stops advancing at 2^24 steps).
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/tensor.hpp"

namespace latent {

struct OptimizerConfig {
  std::string kind = "adam";                        // "adam" | "sgd"
  float momentum = 0.9f;                            // sgd
  float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;  // adam
  float weight_decay = 0.0f;                        // L2, added to the gradient (PyTorch semantics)
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // values -= update(grads); grads are left untouched.
  void step(Tensor& values, const Tensor& grads, float lr) {
    step(values, grads, lr, {{0, values.numel()}});
  }
  // The same over these ranges [begin, end) of the flat buffers only: a sharded update, each
  // rank its parts (runtime/gradient_sync.hpp). Counts one step.
  void step(Tensor& values, const Tensor& grads, float lr,
            const std::vector<std::pair<int64_t, int64_t>>& ranges);
  // Named state tensors, for checkpoints ("m", "v", "momentum").
  virtual std::map<std::string, Tensor*> state() = 0;
  // Updates done so far (Adam's bias correction depends on it); restored from checkpoints. A
  // host integer: the update ops take it by value, so no device memory holds it.
  int64_t steps() const { return steps_; }
  void set_steps(int64_t steps) { steps_ = steps; }

 protected:
  // One range: values, grads as views of it, at offset `begin` of the flat state buffers.
  virtual void update(Tensor& values, const Tensor& grads, float lr, int64_t begin) = 0;
  int64_t steps_ = 0;
};

// Builds the optimizer `config.kind` for a store of `numel` parameters on `device` (its state
// lives beside them); throws std::invalid_argument naming the kind when it is unknown.
std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& config, int64_t numel,
                                          Device device = Device::kCpu);

}  // namespace latent
