#pragma once
// How well a score separates anomalies (positives) from normal samples: higher score = more
// anomalous. Pure arithmetic on vectors, so the figures `latent anomaly` prints are testable.
#include <cstdint>
#include <vector>

namespace latent {

// Area under the ROC curve: the probability that a random anomaly scores above a random
// normal sample, ties counting one half (Mann-Whitney U with mid-ranks). UserError unless both
// classes are present.
double auroc(const std::vector<double>& scores, const std::vector<bool>& is_anomaly);

// Average precision: Σ over distinct score thresholds t (descending) of
// (recall(t) - recall(previous t)) · precision(t), flagging score >= t; tied scores form one
// threshold (as scikit-learn's average_precision_score). UserError without anomalies.
double average_precision(const std::vector<double>& scores, const std::vector<bool>& is_anomaly);

struct Threshold {
  double value = 0;  // flag a sample as anomalous when its score > value
  double fpr = 0;    // fraction of normal samples flagged
  double tpr = 0;    // fraction of anomalies flagged (0 when there are none)
};

// The smallest normal sample's score t with fraction(normal score > t) <= max_fpr: the
// tightest threshold that keeps the false-positive rate within max_fpr. UserError without
// normal samples or with max_fpr outside [0, 1].
Threshold threshold_at_fpr(const std::vector<double>& scores, const std::vector<bool>& is_anomaly,
                           double max_fpr);

}  // namespace latent
