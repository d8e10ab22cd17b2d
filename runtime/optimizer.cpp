#include "runtime/optimizer.hpp"

#include <cmath>
#include <stdexcept>

#include "runtime/ops_optim.hpp"

namespace latent {
namespace {

// v = μ·v + (g + λ·p);  p -= lr·v
class Sgd : public Optimizer {
 public:
  Sgd(const OptimizerConfig& c, int64_t n, Device d) : c_(c), velocity_(Shape{n}, d) {}
  void update(Tensor& values, const Tensor& grads, float lr, int64_t begin) override {
    Tensor velocity = velocity_.slice(begin, begin + values.numel());
    ops::sgd_update(values, grads, velocity, lr, c_.momentum, c_.weight_decay);
  }
  std::map<std::string, Tensor*> state() override { return {{"momentum", &velocity_}}; }

 private:
  OptimizerConfig c_;
  Tensor velocity_;
};

// Adam (Kingma & Ba) with bias correction; weight decay as L2 on the gradient.
class Adam : public Optimizer {
 public:
  Adam(const OptimizerConfig& c, int64_t n, Device d) : c_(c), m_(Shape{n}, d), v_(Shape{n}, d) {}
  void update(Tensor& values, const Tensor& grads, float lr, int64_t begin) override {
    const int64_t end = begin + values.numel();
    Tensor m = m_.slice(begin, end), v = v_.slice(begin, end);
    ops::adam_update(values, grads, m, v, lr, c_.beta1, c_.beta2, c_.eps, c_.weight_decay, steps_);
  }
  std::map<std::string, Tensor*> state() override { return {{"m", &m_}, {"v", &v_}}; }

 private:
  OptimizerConfig c_;
  Tensor m_, v_;
};

}  // namespace

void Optimizer::step(Tensor& values, const Tensor& grads, float lr,
                     const std::vector<std::pair<int64_t, int64_t>>& ranges) {
  ++steps_;
  for (auto [begin, end] : ranges) {
    if (begin == end) continue;
    Tensor v = values.slice(begin, end), g = grads.slice(begin, end);
    update(v, g, lr, begin);
  }
  values.note_written();  // converted copies of the parameters (bf16 weights) are stale
}

std::unique_ptr<Optimizer> make_optimizer(const OptimizerConfig& config, int64_t numel,
                                          Device device) {
  if (config.kind == "adam") return std::make_unique<Adam>(config, numel, device);
  if (config.kind == "sgd") return std::make_unique<Sgd>(config, numel, device);
  throw std::invalid_argument("optimizer: unknown kind '" + config.kind +
                              "' (expected adam or sgd)");
}

}  // namespace latent
