// AUROC, average precision and the threshold at a false-positive rate against values worked
// out by hand (ties included).
#include <gtest/gtest.h>

#include "models/anomaly_metrics.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

TEST(AnomalyMetrics, AurocCountsOrderedPairs) {
  // Pairs (anomaly, normal): 0.35 > 0.1, 0.35 < 0.4, 0.8 > both: 3 of 4.
  EXPECT_DOUBLE_EQ(auroc({0.1, 0.4, 0.35, 0.8}, {false, false, true, true}), 0.75);
  EXPECT_DOUBLE_EQ(auroc({3, 4, 1, 2}, {false, false, true, true}), 0.0);
  EXPECT_DOUBLE_EQ(auroc({3, 4, 1, 2}, {true, true, false, false}), 1.0);
}

TEST(AnomalyMetrics, AurocCountsTiesAsHalf) {
  // Anomalies 2, 3 vs normal 1, 2: 1 + 0.5 + 1 + 1 = 3.5 of 4.
  EXPECT_DOUBLE_EQ(auroc({1, 2, 2, 3}, {false, true, false, true}), 0.875);
  EXPECT_DOUBLE_EQ(auroc({5, 5, 5, 5}, {true, false, true, false}), 0.5);
}

TEST(AnomalyMetrics, AveragePrecisionSumsPrecisionOverRecallSteps) {
  // Descending 0.8 (hit: P 1, R .5), 0.4 (miss), 0.35 (hit: P 2/3, R 1): .5 + .5 * 2/3.
  EXPECT_NEAR(average_precision({0.1, 0.4, 0.35, 0.8}, {false, false, true, true}), 5.0 / 6, 1e-12);
  // Tied 2s form one threshold: 3 (P 1, R .5), then {2, 2} (P 2/3, R 1).
  EXPECT_NEAR(average_precision({1, 2, 2, 3}, {false, true, false, true}), 5.0 / 6, 1e-12);
  // All tied: one threshold flagging everything, precision = prevalence.
  EXPECT_DOUBLE_EQ(average_precision({5, 5, 5, 5}, {true, false, true, false}), 0.5);
}

TEST(AnomalyMetrics, ThresholdIsTheTightestWithinTheFalsePositiveRate) {
  std::vector<double> s{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 5.5, 11, 12};
  std::vector<bool> a(10, false);
  a.insert(a.end(), {true, true, true});
  Threshold t = threshold_at_fpr(s, a, 0.2);  // 9 and 10 above 8: fpr 0.2
  EXPECT_DOUBLE_EQ(t.value, 8);
  EXPECT_DOUBLE_EQ(t.fpr, 0.2);
  EXPECT_DOUBLE_EQ(t.tpr, 2.0 / 3);
  t = threshold_at_fpr(s, a, 0.0);
  EXPECT_DOUBLE_EQ(t.value, 10);
  EXPECT_DOUBLE_EQ(t.fpr, 0.0);
  t = threshold_at_fpr(s, a, 1.0);
  EXPECT_DOUBLE_EQ(t.value, 1);
  EXPECT_DOUBLE_EQ(t.fpr, 0.9);
  EXPECT_DOUBLE_EQ(t.tpr, 1.0);
  // Tied normal scores: only the 2 lies above 1, a quarter.
  t = threshold_at_fpr({1, 1, 1, 2}, {false, false, false, false}, 0.25);
  EXPECT_DOUBLE_EQ(t.value, 1);
  EXPECT_DOUBLE_EQ(t.fpr, 0.25);
}

TEST(AnomalyMetrics, RefusesWhatCannotBeComputed) {
  EXPECT_THROW(auroc({1, 2}, {true, true}), UserError);
  EXPECT_THROW(auroc({1, 2}, {true}), UserError);
  EXPECT_THROW(average_precision({1, 2}, {false, false}), UserError);
  EXPECT_THROW(threshold_at_fpr({1, 2}, {true, true}, 0.05), UserError);
  EXPECT_THROW(threshold_at_fpr({1, 2}, {false, true}, 1.5), UserError);
}

}  // namespace
}  // namespace latent
