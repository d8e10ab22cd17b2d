#pragma once
// Optimizers over a parameter store's flat buffers: one update loop per step, no per-tensor
// calls. State (momentum, Adam's m and v) is flat too and saved in checkpoints with the step
// count, an integer (a float count stops advancing at 2^24 steps).
#include <map>
#include <memory>
#include <string>

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
  virtual void step(Tensor& values, const Tensor& grads, float lr) = 0;
  // Named state tensors, for checkpoints ("m", "v", "momentum").
  virtual std::map<std::string, Tensor*> state() = 0;
  // Updates done so far (Adam's bias correction depends on it); restored from checkpoints.
  int64_t steps() const { return steps_; }
  void set_steps(int64_t steps) { steps_ = steps; }

 protected:
  int64_t steps_ = 0;
};

// Builds the optimizer `config.kind` for a store of `numel` parameters; throws
// std::invalid_argument naming the kind when it is unknown.
std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& config, int64_t numel);

}  // namespace latent
