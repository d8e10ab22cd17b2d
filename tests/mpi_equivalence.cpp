// Data-parallel training equals single-process training: N ranks × batch b reach the same
// parameters as 1 rank × batch N·b (DESIGN "Semantics that must hold"), every rank holds the
// same parameters, and overlapped buckets give what one blocking allreduce gives.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "mnist_data.hpp"
#include "models/model.hpp"
#include "mpi_world.hpp"

namespace latent {
namespace {

using testing::mpi_world;

// 1 × 128 == 2 × 64 == 4 × 32; with 3 ranks 1 × 96 == 3 × 32.
int64_t global_batch() {
  return mpi_world().size() == 3 ? 96 : 128;
}
constexpr int kSteps = 20;

struct Case {
  const char* name;
  ModelConfig config;
  bool sync_bn = false;
  int pretrain_steps = 0;   // GAN: G trained as a decoder first
  double tolerance = 1e-5;  // largest relative parameter difference after a step
};

// SGD (momentum 0.9) shows the semantics at float rounding (measured ≤ 8e-7 relative). Adam
// divides by √v, so a weight whose gradient is ~0 moves by ±lr on the sign of rounding noise:
// the GAN cases drift to 1e-5..3e-4 under Adam without anything being wrong, so they use SGD,
// and the autoencoders are checked with Adam as well.
ModelConfig config_for(const std::string& kind, const std::string& arch,
                       const std::string& optimizer = "sgd") {
  ModelConfig c;
  c.kind = kind;
  c.arch = arch;
  c.hidden = {64};
  c.conv_widths = {8, 16};
  c.latent = 8;
  c.sample_shape = Shape{1, 28, 28};
  c.optimizer.kind = optimizer;
  c.num_classes = 10;  // the classifier's; the other models ignore it
  if (optimizer == "sgd") c.lr = c.gan.lr_d = c.gan.lr_g = 0.05f;
  return c;
}

// Makes `model` data-parallel over `comm`: gradients in buckets of `bucket_bytes` (overlapped
// with backward when `overlap`), batch statistics over ranks where the case asks.
void make_parallel(Model& model, Communicator& comm, const Network::SyncOptions& sync,
                   const Case& c) {
  auto sum = [&comm](float* d, size_t n) { comm.allreduce_sum(d, n); };
  for (Network* net : model.networks()) {
    net->enable_gradient_sync(comm, sync);
    if (c.sync_bn) net->layers().sync_batch_statistics(sum);
  }
  model.set_rank_sum(sum);
}

// Step `step` on rows [offset, offset + rows) of that step's global batch.
void take_step(Model& model, const Tensor& data, int step, int64_t offset, int64_t rows,
               const Case& c) {
  int64_t first = step * global_batch() + offset;
  Tensor x = data.slice(first, first + rows);
  const std::vector<int>& all = testing::mnist().labels;  // `data` is their prefix
  std::vector<int> labels(all.begin() + first, all.begin() + first + rows);
  BatchInfo info{static_cast<uint64_t>(first), global_batch(), 11, 1.0f, step, &labels};
  if (step < c.pretrain_steps)
    model.as_pretrainer()->pretrain_step(x, info);
  else
    model.train_step(x, info);
  for (Network* net : model.networks()) net->update_average(global_batch());  // as the trainer
}

// Everything a step reads: parameters, batch-norm statistics, optimizer state and count.
void copy_state(Model& from, Model& to) {
  auto a = from.networks(), b = to.networks();
  for (size_t n = 0; n < a.size(); ++n) {
    b[n]->store().values().copy_from(a[n]->store().values());
    auto sa = a[n]->layers().state(), sb = b[n]->layers().state();
    for (size_t i = 0; i < sa.size(); ++i) sb[i].tensor->copy_from(*sa[i].tensor);
    auto oa = a[n]->optimizer().state(), ob = b[n]->optimizer().state();
    for (auto& [name, t] : oa) ob.at(name)->copy_from(*t);
    b[n]->optimizer().set_steps(a[n]->optimizer().steps());
    if (a[n]->has_average()) b[n]->average().copy_from(a[n]->average());
  }
}

std::vector<float> all_params(Model& model) {
  std::vector<float> v;
  for (Network* net : model.networks()) {
    const Tensor& p = net->store().values();
    v.insert(v.end(), p.data(), p.data() + p.numel());
    if (net->has_average())  // the EMA generators sample from
      v.insert(v.end(), net->average().data(), net->average().data() + net->average().numel());
  }
  return v;
}

// Largest |a - b| relative to the largest |b| (parameters are O(0.01-1)).
double max_relative_difference(const std::vector<float>& a, const std::vector<float>& b) {
  double diff = 0, scale = 1e-12;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::abs(static_cast<double>(a[i]) - b[i]));
    scale = std::max(scale, std::abs(static_cast<double>(b[i])));
  }
  return diff / scale;
}

class DataParallel : public ::testing::TestWithParam<Case> {};

// The runs go in lockstep: before every step the one-process reference (and the one-allreduce
// run) take the parallel run's whole state, then all three take the step. Each step is thus
// checked on its own, at rounding level; over many free-running steps the ReLU kinks, the L1
// sign and the GAN's alternation amplify a 1e-8 rounding difference (the sum over ranks adds in
// another order) to 1e-4 and beyond, which says nothing about the semantics.
TEST_P(DataParallel, RanksTimesBatchEqualsOneRankWithTheGlobalBatch) {
  Communicator& comm = mpi_world();
  ASSERT_EQ(global_batch() % comm.size(), 0) << "run with 1, 2, 3 or 4 ranks";
  const Case& c = GetParam();
  Tensor data = testing::mnist_subset(global_batch() * kSteps, false);
  int64_t b = global_batch() / comm.size();

  // Three ways to sum over ranks: the node's shared memory, each rank updating its slice (what
  // `latent train` does on one node); 4 KB buckets reduce-scattered as backward goes on, each
  // rank updating its parts (between nodes); one blocking allreduce, every rank updating all.
  auto parallel = make_model(c.config, 5);
  make_parallel(*parallel, comm, {4096, true, true, true}, c);
  auto bucketed = make_model(c.config, 5);
  make_parallel(*bucketed, comm, {4096, true, true, false}, c);
  auto single = make_model(c.config, 5);
  make_parallel(*single, comm, {int64_t{1} << 40, false, false, false}, c);
  auto reference = make_model(c.config, 5);  // this process alone, the whole global batch

  double worst_reference = 0, worst_bucketed = 0, worst_single = 0;
  for (int step = 0; step < kSteps; ++step) {
    for (Network* net : parallel->networks()) net->gather_optimizer_state();
    copy_state(*parallel, *reference);
    copy_state(*parallel, *bucketed);
    copy_state(*parallel, *single);
    take_step(*parallel, data, step, comm.rank() * b, b, c);
    take_step(*bucketed, data, step, comm.rank() * b, b, c);
    take_step(*single, data, step, comm.rank() * b, b, c);
    take_step(*reference, data, step, 0, global_batch(), c);
    std::vector<float> p = all_params(*parallel);
    worst_reference = std::max(worst_reference, max_relative_difference(p, all_params(*reference)));
    worst_bucketed = std::max(worst_bucketed, max_relative_difference(all_params(*bucketed), p));
    worst_single = std::max(worst_single, max_relative_difference(all_params(*single), p));
  }
  EXPECT_LT(worst_reference, c.tolerance) << c.name << " on " << comm.size() << " ranks";
  // The three ways differ only in the order the sums are taken in.
  EXPECT_LT(worst_bucketed, c.tolerance) << c.name;
  EXPECT_LT(worst_single, c.tolerance) << c.name;

  // Every rank holds bit-identical parameters: compare with rank 0's bytes.
  std::vector<float> p = all_params(*parallel), root = p;
  comm.broadcast(root.data(), root.size(), 0);
  EXPECT_EQ(std::memcmp(root.data(), p.data(), p.size() * sizeof(float)), 0)
      << c.name << ": rank " << comm.rank() << " differs from rank 0";
}

Case sync_bn_dcgan() {
  Case c{"dcgan+sync-bn", config_for("gan", "conv"), true};
  return c;
}

Case sparse(const std::string& penalty) {
  Case c{penalty == "kl" ? "sparse-ae-kl" : "sparse-ae-l1", config_for("sparse-ae", "mlp")};
  c.config.sparsity.penalty = penalty;
  c.config.sparsity.weight = penalty == "kl" ? 1.0f : 0.05f;  // strong enough to matter
  return c;
}

Case denoising(const std::string& noise) {
  Case c{nullptr, config_for("denoising-ae", "mlp")};
  c.config.corruption.noise = noise;
  c.name = noise == "gaussian"
               ? "denoising-gaussian"
               : (noise == "masking" ? "denoising-masking" : "denoising-salt-pepper");
  return c;
}

// The generator's moving average (a half-life of 256 samples: it moves each step).
Case with_average(const char* name, const std::string& kind) {
  Case c{name, config_for(kind, "mlp")};
  c.config.ema_half_life = 256;
  return c;
}

Case gan_variant(const char* name) {
  Case c{name, config_for("gan", "mlp")};
  std::string n = name;
  if (n == "gan-hinge") c.config.gan.loss = "hinge";
  if (n == "gan-2d-2g") c.config.gan.d_steps = c.config.gan.g_steps = 2;
  if (n == "gan-pretrain") c.config.gan.pretrain_epochs = 1, c.pretrain_steps = 5;
  return c;
}

// bf16 arithmetic (--precision bf16): every rank rounds the same samples' values the same way,
// so the semantics hold as in fp32, the sums over ranks differing only in their order. But a
// value that differs in its last float bit (a batch-norm statistic summed in another order) may
// round to the neighbouring bf16 value, 2^-8 away: the parameters then differ by up to 2.2e-5
// after a step (cgan-conv with sync-bn, 2 ranks), against 1e-7..1e-6 in fp32.
Case in_bf16(const char* name, Case c) {
  c.name = name;
  c.config.math = ops::Math::kBf16;
  c.tolerance = 1e-4;
  return c;
}

INSTANTIATE_TEST_SUITE_P(
    Bf16, DataParallel,
    ::testing::Values(in_bf16("vae-bf16", Case{"", config_for("vae", "mlp")}),
                      in_bf16("vae-adam-bf16", Case{"", config_for("vae", "mlp", "adam")}),
                      in_bf16("gan-bf16", Case{"", config_for("gan", "mlp")}),
                      in_bf16("dcgan+sync-bn-bf16", sync_bn_dcgan()),
                      in_bf16("cgan-conv-bf16", Case{"", config_for("cgan", "conv"), true}),
                      in_bf16("classifier-conv-bf16", Case{"", config_for("classifier", "conv")})),
    [](const auto& info) {
      std::string n = info.param.name;
      for (auto& ch : n)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return n;
    });

INSTANTIATE_TEST_SUITE_P(
    Models, DataParallel,
    ::testing::Values(Case{"ae", config_for("ae", "mlp")}, Case{"vae", config_for("vae", "mlp")},
                      Case{"gan", config_for("gan", "mlp")}, sync_bn_dcgan(),
                      Case{"ae-adam", config_for("ae", "mlp", "adam")},
                      Case{"vae-adam", config_for("vae", "mlp", "adam")}, sparse("l1"),
                      sparse("kl"), denoising("gaussian"), denoising("masking"),
                      denoising("salt-pepper"), gan_variant("gan-hinge"), gan_variant("gan-2d-2g"),
                      gan_variant("gan-pretrain"), with_average("vae-ema", "vae"),
                      with_average("gan-ema", "gan"), Case{"cvae", config_for("cvae", "mlp")},
                      Case{"cgan", config_for("cgan", "mlp")},
                      Case{"cgan-conv", config_for("cgan", "conv"), true},
                      Case{"classifier", config_for("classifier", "mlp")},
                      Case{"classifier-conv", config_for("classifier", "conv")},
                      Case{"classifier-adam", config_for("classifier", "mlp", "adam")}),
    [](const auto& info) {
      std::string n = info.param.name;
      for (auto& ch : n)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return n;
    });

}  // namespace
}  // namespace latent
