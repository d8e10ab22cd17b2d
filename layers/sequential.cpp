#include "layers/sequential.hpp"

#include <stdexcept>

#include "layers/activation.hpp"

namespace latent {

Sequential& Sequential::add(std::unique_ptr<Layer> layer) {
  if (!layers_.empty()) {
    layers_.back()->set_next_reads_channels_last(layer->reads_channels_last());
    // A convolution or linear layer followed by ReLU writes its output activated (one pass over
    // it fewer).
    auto* act = dynamic_cast<Activation*>(layer.get());
    if (act && layers_.back()->absorb_activation(act->function(), act->alpha()))
      act->set_input_activated(true);
  }
  layers_.push_back(std::move(layer));
  return *this;
}

const Tensor& Sequential::forward(const Tensor& x, const PassContext& ctx) {
  if (layers_.empty()) throw std::logic_error("Sequential::forward on an empty network");
  const Tensor* h = &x;
  for (auto& l : layers_) h = &l->forward(*h, ctx);
  return *h;
}

const Tensor& Sequential::backward(const Tensor& dy, bool need_dx) {
  const Tensor* g = &dy;
  for (size_t i = layers_.size(); i-- > 0;) {
    g = &layers_[i]->backward(*g, i > 0 || need_dx);
    if (hook_) hook_(i);
  }
  return *g;
}

void Sequential::set_param_grads(bool on) {
  Layer::set_param_grads(on);
  for (auto& l : layers_) l->set_param_grads(on);
}

void Sequential::set_math(ops::Math math) {
  for (auto& layer : layers_) layer->set_math(math);
}

void Sequential::init_params(const CounterRng& rng) {
  for (size_t i = 0; i < layers_.size(); ++i)
    layers_[i]->init_params(CounterRng(rng.seed(), derive_stream(rng.stream(), layer_name(i))));
}

std::vector<Param*> Sequential::params() {
  std::vector<Param*> all;
  for (auto& l : layers_)
    for (Param* p : l->params()) all.push_back(p);
  return all;
}

std::vector<StateTensor> Sequential::state() {
  std::vector<StateTensor> all;
  for (size_t i = 0; i < layers_.size(); ++i)
    for (auto s : layers_[i]->state()) all.push_back({layer_name(i) + "/" + s.name, s.tensor});
  return all;
}

Shape Sequential::output_shape(const Shape& in) const {
  Shape s = in;
  for (auto& l : layers_) s = l->output_shape(s);
  return s;
}

void Sequential::sync_batch_statistics(const SumAcrossRanks& sum) {
  for (auto& l : layers_) l->sync_batch_statistics(sum);
}

std::string Sequential::layer_name(size_t i) const {
  return std::to_string(i) + "_" + layers_[i]->kind();
}

void Sequential::adopt_into(ParamStore& store, Device device) {
  std::vector<Param*> params;
  std::vector<std::string> names;
  for (size_t i = layers_.size(); i-- > 0;)
    for (Param* p : layers_[i]->params()) {
      params.push_back(p);
      names.push_back(layer_name(i) + "/" + p->name);
    }
  store.adopt(params, names, device);
}

}  // namespace latent
