// Pending op results (runtime/scalar.hpp): a reduction's value waits in its slot until read,
// the first read brings every pending slot at once (one host wait), arithmetic on pending
// values rounds as it would on known ones, and slots are reused once nobody holds them.
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "runtime/ops.hpp"
#include "runtime/scalar.hpp"

namespace latent {
namespace {

Tensor filled(int64_t n, float value) {
  Tensor t(Shape{n});
  t.fill(value);
  return t;
}

TEST(Scalar, ReductionsStayPendingUntilOneReadBringsThemAll) {
  const Tensor a = filled(10, 0.5f), b = filled(10, 0.25f);
  const int64_t before = host_wait_count();
  std::vector<Scalar> sums;
  for (int i = 0; i < 5; ++i) sums.push_back(ops::sum(a) + ops::sum_squares(b));
  EXPECT_FALSE(sums[0].known());
  EXPECT_EQ(host_wait_count(), before);  // nothing read yet
  EXPECT_DOUBLE_EQ(sums[0].value(), 5.0 + 0.625);
  EXPECT_EQ(host_wait_count(), before + 1);
  for (const Scalar& s : sums) EXPECT_DOUBLE_EQ(s.value(), 5.625);
  EXPECT_EQ(host_wait_count(), before + 1);  // the others came with the first read
}

TEST(Scalar, PendingArithmeticRoundsAsKnownArithmetic) {
  const Tensor x = filled(7, 0.1f), y = filled(3, 0.3f);
  const double sx = ops::sum(x).value(), sy = ops::sum(y).value();
  const Scalar pending = (ops::sum(x) + Scalar(0.7) * ops::sum(y)) / 3.0 - ops::sum(y);
  const double known = (sx + 0.7 * sy) / 3.0 - sy;
  EXPECT_EQ(pending.value(), known);  // bit for bit
  EXPECT_TRUE((Scalar(2.0) * 3.0).known());
  EXPECT_EQ((Scalar(2.0) * 3.0).value(), 6.0);
}

TEST(Scalar, CountsAreExactAndNonFiniteElementsAreCounted) {
  Tensor t = filled(1000, 1.0f);
  EXPECT_EQ(ops::count_nonfinite(t).value(), 0.0);
  t.data()[3] = std::numeric_limits<float>::quiet_NaN();
  t.data()[999] = -std::numeric_limits<float>::infinity();
  EXPECT_EQ(ops::count_nonfinite(t).value(), 2.0);
  EXPECT_FALSE(ops::all_finite(t));
  EXPECT_EQ(ops::count_sign(t, true).value(), 998.0);
}

TEST(Scalar, SlotsOutlastTheirBlockAndAreReusedOnceDropped) {
  const Tensor one = filled(1, 1.0f);
  // More values than one block holds, all kept: each still reads its own slot.
  std::vector<Scalar> kept;
  for (int i = 0; i < 3000; ++i) kept.push_back(ops::sum(one) * static_cast<double>(i));
  for (int i = 0; i < 3000; i += 499) EXPECT_EQ(kept[i].value(), i);
  kept.clear();
  // Dropped values free their blocks: new ones are written over them and read right.
  for (int round = 0; round < 3; ++round) {
    std::vector<Scalar> again;
    for (int i = 0; i < 2000; ++i) again.push_back(ops::sum(one) + static_cast<double>(round));
    EXPECT_EQ(again.front().value(), 1.0 + round);
    EXPECT_EQ(again.back().value(), 1.0 + round);
  }
}

}  // namespace
}  // namespace latent
