#include "models/classifier.hpp"

#include "io/label_range.hpp"
#include "models/architectures.hpp"
#include "models/kinds.hpp"
#include "models/option_values.hpp"
#include "runtime/error.hpp"
#include "runtime/ops.hpp"

namespace latent {

const std::vector<ModelOption>& classifier_options() {
  static const std::vector<ModelOption> options = {
      lr_option(),
      num_classes_option(),
  };
  return options;
}

void validate_classifier(const ModelConfig& c) {
  require_option(c.lr > 0, "lr", std::to_string(c.lr), "> 0");
  validate_num_classes(c);
}

std::unique_ptr<Model> make_classifier(const ModelConfig& c, uint32_t seed) {
  return std::make_unique<Classifier>(c, seed);
}

Classifier::Classifier(const ModelConfig& c, uint32_t seed)
    : Model(c), net_("classifier", build_classifier(c), c.optimizer, seed, c.device, c.math) {}

const Tensor& Classifier::labels_of(const BatchInfo& info, int64_t rows) {
  if (!info.labels || static_cast<int64_t>(info.labels->size()) != rows)
    throw UserError("model classifier needs one label per sample: the data has no labels " +
                    std::string("(--labels-dataset names them)"));
  // Labels come from the data on the host: checked and converted there, then copied over.
  host_labels_.resize(static_cast<size_t>(rows));
  for (int64_t i = 0; i < rows; ++i) {
    const int label = (*info.labels)[i];
    if (label < 0 || label >= classes())
      throw UserError("sample " + std::to_string(info.first_index + i) + " has label " +
                      std::to_string(label) + ", but the classifier has " +
                      std::to_string(classes()) + " classes (0.." + std::to_string(classes() - 1) +
                      "; --num-classes)");
    host_labels_[i] = static_cast<float>(label);
  }
  labels_.resize(Shape{rows}, config_.device);
  ops::copy_from_host(host_labels_.data(), labels_);
  return labels_;
}

Scalar Classifier::correct(const Tensor& logits, const Tensor& labels) {
  predicted_.resize(Shape{logits.dim(0)}, logits.device());
  ops::argmax_rows(logits, predicted_);
  return ops::count_equal(predicted_, labels);
}

Metrics Classifier::train_step(const Tensor& batch, const BatchInfo& info) {
  const Tensor& labels = labels_of(info, batch.dim(0));
  const float scale = 1.0f / static_cast<float>(info.global_batch);
  const Tensor& logits = net_.forward(batch, PassContext{true, info.seed, info.first_index});
  const Scalar loss = loss_.forward(logits, labels, scale);
  const Scalar right = correct(logits, labels);
  net_.zero_grad();
  net_.backward(loss_.grad(), false);
  net_.step(config_.lr * info.lr_scale);

  const double n = static_cast<double>(batch.dim(0));
  Metrics m;
  m.set("loss", loss / n);
  m.set("accuracy", right / n);
  return m;
}

Metrics Classifier::evaluate(const Tensor& batch, const BatchInfo& info, Tensor* per_sample) {
  const Tensor& labels = labels_of(info, batch.dim(0));
  const Tensor& logits = net_.forward(batch, PassContext{false, info.seed, info.first_index});
  Metrics m;
  m.set("loss", loss_.forward(logits, labels, 0.0f, per_sample));
  m.set("accuracy", correct(logits, labels));
  return m;
}

void Classifier::features(const Tensor& batch, Tensor& features, Tensor* logits) {
  // Layer by layer, to keep the penultimate output (the last layer is the class layer).
  Sequential& layers = net_.layers();
  const PassContext inference{false, 0, 0};
  const Tensor* h = &batch;
  for (size_t i = 0; i + 1 < layers.size(); ++i) h = &layers.layer(i).forward(*h, inference);
  features.resize(h->shape(), h->device());
  features.copy_from(*h);
  if (!logits) return;
  const Tensor& z = layers.layer(layers.size() - 1).forward(*h, inference);
  logits->resize(z.shape(), z.device());
  logits->copy_from(z);
}

void Classifier::predict(const Tensor& batch, Tensor& classes) {
  const Tensor& logits = net_.forward(batch, PassContext{false, 0, 0});
  classes.resize(Shape{batch.dim(0)}, logits.device());
  ops::argmax_rows(logits, classes);
}

}  // namespace latent
