#include "models/anomaly_metrics.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "runtime/error.hpp"

namespace latent {
namespace {

void check_sizes(const std::vector<double>& scores, const std::vector<bool>& is_anomaly) {
  if (scores.size() != is_anomaly.size())
    throw UserError("anomaly metrics: " + std::to_string(scores.size()) + " scores but " +
                    std::to_string(is_anomaly.size()) + " labels");
}

// Indices of `scores` sorted by descending score.
std::vector<size_t> descending(const std::vector<double>& scores) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  return order;
}

}  // namespace

double auroc(const std::vector<double>& scores, const std::vector<bool>& is_anomaly) {
  check_sizes(scores, is_anomaly);
  std::vector<size_t> order = descending(scores);
  std::reverse(order.begin(), order.end());  // ascending
  // Sum of the anomalies' mid-ranks (1-based), one run of tied scores at a time.
  double rank_sum = 0;
  int64_t positives = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
    double mid_rank = 0.5 * static_cast<double>(i + 1 + j);
    for (size_t k = i; k < j; ++k)
      if (is_anomaly[order[k]]) {
        rank_sum += mid_rank;
        ++positives;
      }
    i = j;
  }
  int64_t negatives = static_cast<int64_t>(scores.size()) - positives;
  if (positives == 0 || negatives == 0)
    throw UserError("AUROC needs both normal samples and anomalies (got " +
                    std::to_string(negatives) + " normal, " + std::to_string(positives) +
                    " anomalous)");
  double p = static_cast<double>(positives), n = static_cast<double>(negatives);
  return (rank_sum - p * (p + 1) / 2) / (p * n);
}

double average_precision(const std::vector<double>& scores, const std::vector<bool>& is_anomaly) {
  check_sizes(scores, is_anomaly);
  int64_t positives = std::count(is_anomaly.begin(), is_anomaly.end(), true);
  if (positives == 0) throw UserError("average precision needs at least one anomaly");
  std::vector<size_t> order = descending(scores);
  double ap = 0, last_recall = 0;
  int64_t flagged = 0, hits = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) {
      hits += is_anomaly[order[j]];
      ++j;
    }
    flagged = static_cast<int64_t>(j);
    double recall = static_cast<double>(hits) / static_cast<double>(positives);
    ap += (recall - last_recall) * static_cast<double>(hits) / static_cast<double>(flagged);
    last_recall = recall;
    i = j;
  }
  return ap;
}

Threshold threshold_at_fpr(const std::vector<double>& scores, const std::vector<bool>& is_anomaly,
                           double max_fpr) {
  check_sizes(scores, is_anomaly);
  if (!(max_fpr >= 0 && max_fpr <= 1))
    throw UserError("--fpr must lie in [0, 1], got " + std::to_string(max_fpr));
  std::vector<double> normal, anomalous;
  for (size_t i = 0; i < scores.size(); ++i)
    (is_anomaly[i] ? anomalous : normal).push_back(scores[i]);
  if (normal.empty()) throw UserError("a threshold at a false-positive rate needs normal samples");
  std::sort(normal.begin(), normal.end());
  const double n = static_cast<double>(normal.size());
  auto above = [](const std::vector<double>& sorted, double t) {
    return static_cast<double>(sorted.end() - std::upper_bound(sorted.begin(), sorted.end(), t));
  };
  // Ascending normal scores: the first whose exceedance fraction fits is the tightest.
  Threshold best;
  for (double t : normal) {
    if (above(normal, t) / n <= max_fpr) {
      best.value = t;
      break;
    }
  }
  best.fpr = above(normal, best.value) / n;
  if (!anomalous.empty()) {
    std::sort(anomalous.begin(), anomalous.end());
    best.tpr = above(anomalous, best.value) / static_cast<double>(anomalous.size());
  }
  return best;
}

}  // namespace latent
