#pragma once
// Supervised classifier (`--model classifier`): the encoder of the other models (mlp or conv)
// to `--latent` features, the hidden activation, and a linear layer to one logit per class;
// softmax cross-entropy on the batch's labels. It measures the generative models (`latent
// score` compares samples in its features and classifies them) and consumes augmented data.
//   loss per sample = log Σ_c e^{z_c} - z_label (nats);  accuracy = share of argmax == label
#include <vector>

#include "layers/losses.hpp"
#include "models/model.hpp"

namespace latent {

class Classifier : public Model, public LabelClassifier {
 public:
  Classifier(const ModelConfig& c, uint32_t seed);
  // Metrics: loss (mean cross-entropy) and accuracy of this rank's rows.
  Metrics train_step(const Tensor& batch, const BatchInfo& info) override;
  // Sums: loss and accuracy (the number correct); per_sample gets each row's cross-entropy.
  Metrics evaluate(const Tensor& batch, const BatchInfo& info, Tensor* per_sample) override;
  std::vector<Network*> networks() override { return {&net_}; }
  LabelClassifier* as_classifier() override { return this; }

  int64_t classes() const override { return config_.num_classes; }
  int64_t feature_size() const override { return config_.latent; }
  // Inference on `batch`: the penultimate layer's features (N, latent), resized, and the
  // logits (N, classes) when asked.
  void features(const Tensor& batch, Tensor& features, Tensor* logits) override;
  // Inference: the predicted class of each row (N), as floats.
  void predict(const Tensor& batch, Tensor& classes) override;

 private:
  // info.labels as a tensor of this batch's rows; UserError naming a label that is no class.
  const Tensor& labels_of(const BatchInfo& info, int64_t rows);
  // Rows whose argmax is their label.
  Scalar correct(const Tensor& logits, const Tensor& labels);

  Network net_;
  SoftmaxCrossEntropyLoss loss_;
  Tensor labels_, predicted_;
  std::vector<float> host_labels_;  // the labels as floats on the host, uploaded to labels_
};

}  // namespace latent
