// The CUDA backend's own parts: the device is refused with its reason where there is none, the
// rank picks its GPU from the launcher's environment, steady-state steps allocate from the
// cache, the optimizer update and random draws write the CPU's bits, and cuDNN's convolution
// gradients are the same bits run after run (deterministic algorithms; each op's values against
// the reference, in both layouts, are runtime_backend_vs_ref's). Where no GPU can be
// used, the GPU cases skip saying why (the reason is itself checked to be the error users see).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "grad_check.hpp"
#include "runtime/communicator.hpp"
#include "runtime/device.hpp"
#include "runtime/gradient_sync.hpp"
#include "runtime/ops.hpp"
#include "runtime/ops_optim.hpp"
#include "runtime/scalar.hpp"
#ifdef LATENT_WITH_CUDA
#include "runtime/cuda/cuda_context.hpp"
#include "runtime/cuda/device_allocator.hpp"
#endif

namespace latent {
namespace {

#define SKIP_WITHOUT_GPU()                                            \
  do {                                                                \
    const std::string why = device_unavailable_reason(Device::kCuda); \
    if (!why.empty()) GTEST_SKIP() << "no GPU test here: " << why;    \
  } while (0)

TEST(CudaBackend, AnUnusableDeviceIsRefusedWithItsReason) {
  const std::string why = device_unavailable_reason(Device::kCuda);
  if (why.empty()) GTEST_SKIP() << "a GPU is usable here";
  try {
    Tensor t(Shape{4}, Device::kCuda);
    ADD_FAILURE() << "a CUDA tensor was made where: " << why;
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
  }
  EXPECT_TRUE(device_unavailable_reason(Device::kCpu).empty());
}

#ifdef LATENT_WITH_CUDA
Tensor on_cuda(const Tensor& host) {
  Tensor t(host.shape(), Device::kCuda);
  ops::copy_from_host(host.data(), t);
  return t;
}

std::vector<float> to_host(const Tensor& t) {
  std::vector<float> v(t.numel());
  ops::copy_to_host(t, v.data());
  return v;
}

TEST(CudaBackend, TheLocalRankComesFromTheLauncher) {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_RANK", "SLURM_LOCALID", "MPI_LOCALRANKID"})
    unsetenv(name);
  EXPECT_EQ(cuda::local_rank_from_environment(), 0);
  setenv("SLURM_LOCALID", "3", 1);
  EXPECT_EQ(cuda::local_rank_from_environment(), 3);
  setenv("OMPI_COMM_WORLD_LOCAL_RANK", "5", 1);  // Open MPI's wins under srun --mpi=pmix too
  EXPECT_EQ(cuda::local_rank_from_environment(), 5);
  unsetenv("SLURM_LOCALID");
  unsetenv("OMPI_COMM_WORLD_LOCAL_RANK");
}

TEST(CudaBackend, SteadyStateStepsAllocateFromTheCache) {
  SKIP_WITHOUT_GPU();
  auto step = [] {
    Tensor a(Shape{128, 784}, Device::kCuda), b(Shape{784, 400}, Device::kCuda),
        c(Shape{128, 400}, Device::kCuda);
    ops::matmul(a, false, b, false, c);
  };
  step();
  const int64_t after_first = cuda::allocator_stats().cuda_mallocs;
  for (int i = 0; i < 5; ++i) step();
  EXPECT_EQ(cuda::allocator_stats().cuda_mallocs, after_first);
}

TEST(CudaBackend, AdamAndRandomDrawsWriteTheCpusBits) {
  SKIP_WITHOUT_GPU();
  const Shape s{1000};
  Tensor p = testing::random_tensor(s, 1), g = testing::random_tensor(s, 2);
  Tensor m(s), v(s);
  Tensor dp = on_cuda(p), dg = on_cuda(g), dm = on_cuda(m), dv = on_cuda(v);
  for (int64_t t = 1; t <= 3; ++t) {
    ops::adam_update(p, g, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, t);
    ops::adam_update(dp, dg, dm, dv, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, t);
  }
  EXPECT_EQ(std::memcmp(to_host(dp).data(), p.data(), p.numel() * sizeof(float)), 0);
  Tensor z(Shape{7, 13}), dz(Shape{7, 13}, Device::kCuda);
  ops::random_normal(z, {3, 4}, 1ull << 33, 0.5f, 2.0f);
  ops::random_normal(dz, {3, 4}, 1ull << 33, 0.5f, 2.0f);
  EXPECT_EQ(std::memcmp(to_host(dz).data(), z.data(), z.numel() * sizeof(float)), 0);
}

// The weight and bias gradients accumulate in place, so a nondeterministic algorithm (atomics
// over the batch) would show as differing bits between two runs from the same start.
TEST(CudaBackend, ConvolutionGradientsRepeatBitForBit) {
  SKIP_WITHOUT_GPU();
  const ops::ConvGeometry g{2, 1};
  for (bool transposed : {false, true})
    for (bool last : {false, true}) {
      // x [8,16,12,12] and w [32,16,4,4]: conv to [8,32,6,6], transposed to [8,32,24,24].
      Tensor x = testing::random_tensor(Shape{8, 16, 12, 12}, 5);
      Tensor dy = testing::random_tensor(transposed ? Shape{8, 32, 24, 24} : Shape{8, 32, 6, 6}, 6);
      Tensor dx = on_cuda(x), ddy = on_cuda(dy);
      dx.set_channels_last(last), ddy.set_channels_last(last);
      std::vector<float> first_w, first_b;
      for (int run = 0; run < 2; ++run) {
        Tensor dw(Shape{32, 16, 4, 4}, Device::kCuda), db(Shape{32}, Device::kCuda);
        if (transposed)
          ops::deconv2d_backward_weights(dx, ddy, dw, &db, g);
        else
          ops::conv2d_backward_weights(dx, ddy, dw, &db, g);
        if (run == 0) {
          first_w = to_host(dw), first_b = to_host(db);
          continue;
        }
        const std::string what =
            std::string(transposed ? "deconv" : "conv") + (last ? " channels-last" : " nchw");
        EXPECT_EQ(std::memcmp(to_host(dw).data(), first_w.data(), dw.numel() * sizeof(float)), 0)
            << what << ": weight gradient";
        EXPECT_EQ(std::memcmp(to_host(db).data(), first_b.data(), db.numel() * sizeof(float)), 0)
            << what << ": bias gradient";
      }
    }
}

// NCCL at one rank: the id travels, the buckets are reduced as backward reports them, and the
// sum over one rank is the gradient itself, bit for bit.
TEST(CudaBackend, NcclAtOneRankLeavesTheGradientsAsTheyAre) {
  SKIP_WITHOUT_GPU();
  auto comm = make_single_process_communicator();
  Tensor host = testing::random_tensor(Shape{10007}, 5);
  Tensor grads = on_cuda(host);
  std::shared_ptr<NcclChannel> channel;
  auto sync = make_nccl_sync(*comm, grads, 4096, channel);
  EXPECT_TRUE(channel);
  for (int step = 0; step < 2; ++step) {
    sync->ready_up_to(3000);
    sync->ready_up_to(9000);
    sync->finish(false);
  }
  EXPECT_EQ(std::memcmp(to_host(grads).data(), host.data(), host.numel() * sizeof(float)), 0);
  ASSERT_EQ(sync->owned_ranges().size(), 1u);
  EXPECT_EQ(sync->owned_ranges()[0].second, host.numel());
  EXPECT_GE(sync->exposed_seconds(), 0.0);
}

// Two networks' syncs (an encoder's and a decoder's) share the first one's communicator and
// stream, their allreduces interleave as backward reports them, and each gradient comes back.
TEST(CudaBackend, NcclSyncsOfOneModelShareOneCommunicator) {
  SKIP_WITHOUT_GPU();
  auto comm = make_single_process_communicator();
  Tensor host_a = testing::random_tensor(Shape{5003}, 6),
         host_b = testing::random_tensor(Shape{701}, 7);
  Tensor a = on_cuda(host_a), b = on_cuda(host_b);
  std::shared_ptr<NcclChannel> channel;
  auto sync_a = make_nccl_sync(*comm, a, 4096, channel);
  const NcclChannel* first = channel.get();
  auto sync_b = make_nccl_sync(*comm, b, 1024, channel);
  EXPECT_EQ(channel.get(), first);
  EXPECT_EQ(channel.use_count(), 3);  // the slot and both syncs
  for (int step = 0; step < 3; ++step) {
    sync_b->ready_up_to(701);
    sync_a->ready_up_to(2000);
    sync_b->finish(false);
    sync_a->finish(true);
  }
  EXPECT_EQ(std::memcmp(to_host(a).data(), host_a.data(), host_a.numel() * sizeof(float)), 0);
  EXPECT_EQ(std::memcmp(to_host(b).data(), host_b.data(), host_b.numel() * sizeof(float)), 0);
}

// Uploads go through pinned staging and are not waited for: the caller's memory may change the
// moment copy_from_host returns, more uploads than staging buffers included.
TEST(CudaBackend, AnUploadsSourceMayBeReusedAtOnce) {
  SKIP_WITHOUT_GPU();
  std::vector<float> source(100000);
  std::vector<Tensor> uploaded;
  for (int i = 0; i < 10; ++i) {
    std::fill(source.begin(), source.end(), static_cast<float>(i));
    uploaded.emplace_back(Shape{static_cast<int64_t>(source.size())}, Device::kCuda);
    ops::copy_from_host(source.data(), uploaded.back());
  }
  std::fill(source.begin(), source.end(), -1.0f);
  for (int i = 0; i < 10; ++i) {
    const std::vector<float> back = to_host(uploaded[i]);
    EXPECT_EQ(back.front(), static_cast<float>(i));
    EXPECT_EQ(back.back(), static_cast<float>(i));
  }
}

// A step's losses stay on the GPU until read; the first read brings them all with one wait, and
// each equals the CPU's within the reductions' different order of adding.
TEST(CudaBackend, LossesArePendingUntilOneReadBringsThemAll) {
  SKIP_WITHOUT_GPU();
  Tensor pred = testing::random_tensor(Shape{64, 784}, 8),
         target = testing::random_tensor(Shape{64, 784}, 9);
  Tensor dpred = on_cuda(pred), dtarget = on_cuda(target), grad(pred.shape(), Device::kCuda);
  const double want = ops::mse(pred, target, nullptr, 0.0f).value();  // read before counting
  const int64_t before = host_wait_count();
  std::vector<Scalar> losses;
  for (int i = 0; i < 4; ++i) losses.push_back(ops::mse(dpred, dtarget, &grad, 0.5f));
  losses.push_back(ops::count_nonfinite(dpred));
  EXPECT_EQ(host_wait_count(), before);
  EXPECT_NEAR(losses[0].value(), want, 1e-9 * want);
  EXPECT_EQ(host_wait_count(), before + 1);
  for (int i = 1; i < 4; ++i) EXPECT_EQ(losses[i].value(), losses[0].value());
  EXPECT_EQ(losses[4].value(), 0.0);
  EXPECT_EQ(host_wait_count(), before + 1);
}
#endif

}  // namespace
}  // namespace latent
