#pragma once
// A chain of layers: forward in order, backward in reverse. A network is a Sequential whose
// parameters have been adopted by a ParamStore (one flat buffer, reverse layer order).
#include <functional>
#include <memory>

#include "layers/layer.hpp"

namespace latent {

class Sequential : public Layer {
 public:
  Sequential() = default;
  Sequential& add(std::unique_ptr<Layer> layer);
  template <class L, class... Args>
  Sequential& emplace(Args&&... args) {
    return add(std::make_unique<L>(std::forward<Args>(args)...));
  }

  std::string kind() const override { return "sequential"; }
  const Tensor& forward(const Tensor& x, const PassContext& ctx) override;
  const Tensor& backward(const Tensor& dy, bool need_dx) override;
  // Layer i's parameters drawn from the stream derive_stream(rng.stream(), layer_name(i)).
  void init_params(const CounterRng& rng) override;
  std::vector<Param*> params() override;
  std::vector<StateTensor> state() override;
  Shape output_shape(const Shape& in) const override;
  void sync_batch_statistics(const SumAcrossRanks& sum) override;
  void set_param_grads(bool on) override;
  void set_math(ops::Math math) override;

  size_t size() const { return layers_.size(); }
  Layer& layer(size_t i) { return *layers_[i]; }
  // "3_linear": the name of layer i in checkpoints.
  std::string layer_name(size_t i) const;

  // Moves every parameter into `store` on `device`, last layer first, named "<layer>/<param>".
  void adopt_into(ParamStore& store, Device device = Device::kCpu);
  // Called after layer i's backward has finished (its gradients are final): the gradient
  // synchroniser starts a bucket's allreduce from here while backward goes on.
  void set_backward_hook(std::function<void(size_t)> hook) { hook_ = std::move(hook); }

 private:
  std::vector<std::unique_ptr<Layer>> layers_;
  std::function<void(size_t)> hook_;
};

}  // namespace latent
