// The host/device crossings of runtime/host_staging.hpp: free on the CPU (the tensor itself, no
// allocation), a faithful round trip on a GPU.
#include <gtest/gtest.h>

#include "runtime/host_staging.hpp"

namespace latent {
namespace {

TEST(HostStaging, OnTheCpuTheTensorItselfIsUsedAndNothingIsAllocated) {
  Tensor host(Shape{3, 2}), staged;
  for (int64_t i = 0; i < host.numel(); ++i) host.data()[i] = static_cast<float>(i);
  const int64_t before = Tensor::allocation_count();
  EXPECT_EQ(&on_device(host, Device::kCpu, staged), &host);
  EXPECT_EQ(&on_host(host, staged), &host);
  EXPECT_EQ(Tensor::allocation_count(), before);
  EXPECT_TRUE(staged.empty());
}

TEST(HostStaging, ResizeOnTheTensorsOwnDeviceKeepsItsStorage) {
  Tensor t(Shape{8});
  const float* storage = t.data();
  t.resize(Shape{2, 3}, Device::kCpu);
  EXPECT_EQ(t.data(), storage);
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
}

TEST(HostStaging, AGpuRoundTripGivesBackTheSameBits) {
  const std::string why = device_unavailable_reason(Device::kCuda);
  if (!why.empty()) GTEST_SKIP() << "no GPU test here: " << why;
  Tensor host(Shape{5, 3}), up, down;
  for (int64_t i = 0; i < host.numel(); ++i) host.data()[i] = 0.1f * static_cast<float>(i) - 0.7f;
  const Tensor& device = on_device(host, Device::kCuda, up);
  EXPECT_EQ(device.device(), Device::kCuda);
  EXPECT_EQ(device.shape(), host.shape());
  const Tensor& back = on_host(device, down);
  EXPECT_EQ(back.device(), Device::kCpu);
  for (int64_t i = 0; i < host.numel(); ++i) EXPECT_EQ(back.data()[i], host.data()[i]) << i;
  EXPECT_THROW(on_device(device, Device::kCuda, down), std::invalid_argument);
}

}  // namespace
}  // namespace latent
