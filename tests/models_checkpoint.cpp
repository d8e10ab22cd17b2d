// Every model's checkpoint reloads to identical outputs, and resuming continues exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "io/checkpoint_reader.hpp"
#include "io/checkpoint_writer.hpp"
#include "io/output_path.hpp"
#include "mnist_data.hpp"
#include "model_training.hpp"
#include "models/model_checkpoint.hpp"
#include "runtime/build_info.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

namespace fs = std::filesystem;

ModelConfig small_config(const std::string& kind, const std::string& arch) {
  ModelConfig c;
  c.kind = kind;
  c.arch = arch;
  c.hidden = {32};
  c.conv_widths = {4, 8};
  c.latent = 6;
  c.sample_shape = Shape{1, 28, 28};
  if (kind == "gan") c.gan.pretrain_epochs = 0;
  c.num_classes = 10;  // the kinds that train on labels (classifier, cvae, cgan)
  return c;
}

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("latent-test-" + std::to_string(getpid()) + "-" + name))
      .string();
}

class CheckpointRoundTrip : public ::testing::TestWithParam<std::pair<const char*, const char*>> {
 protected:
  void round_trip(ops::Math math);
};

TEST_P(CheckpointRoundTrip, ReloadGivesIdenticalEvalAndResumeContinuesExactly) {
  round_trip(ops::Math::kFp32);
}

// In bf16 too: the reloaded model's parameters are converted afresh, never a stale copy.
TEST_P(CheckpointRoundTrip, InBf16Too) {
  if (!onednn_bf16_missing().empty()) GTEST_SKIP() << onednn_bf16_missing();
  round_trip(ops::Math::kBf16);
}

void CheckpointRoundTrip::round_trip(ops::Math math) {
  auto [kind, arch] = GetParam();
  ModelConfig c = small_config(kind, arch);
  c.math = math;
  Tensor data = testing::mnist_subset(128, false);
  const std::vector<int>* labels = &testing::mnist().labels;  // the subset's are its prefix
  auto trained = make_model(c, 1);
  testing::train_steps(*trained, data, 32, 6, 7, 0, labels);
  std::string path = temp_path(std::string(kind) + "-" + arch + ".h5");
  TrainingPosition pos{6, 1, 2, 1, 1};
  save_checkpoint(*trained, path, "model = " + std::string(kind), pos);

  auto reloaded = make_model(c, 999);  // other seed: every value must come from the file
  TrainingPosition back = load_checkpoint(*reloaded, path);
  EXPECT_EQ(back.step, 6);
  EXPECT_EQ(back.epoch, 1);
  EXPECT_EQ(back.step_in_epoch, 2);
  EXPECT_EQ(checkpoint_config_text(path), "model = " + std::string(kind));

  Metrics a = testing::evaluate_all(*trained, data, 32, labels);
  Metrics b = testing::evaluate_all(*reloaded, data, 32, labels);
  for (auto& [k, v] : a.items()) EXPECT_EQ(v.value(), b.get(k)) << kind << " " << k;

  // Resuming: both take the same further steps and stay bit-identical.
  auto ta = testing::train_steps(*trained, data, 32, 3, 7, 6, labels);
  auto tb = testing::train_steps(*reloaded, data, 32, 3, 7, 6, labels);
  for (size_t i = 0; i < ta.steps.size(); ++i)
    for (auto& [k, v] : ta.steps[i].items())
      EXPECT_EQ(v.value(), tb.steps[i].get(k)) << kind << " " << k;
  fs::remove(path);
}

INSTANTIATE_TEST_SUITE_P(
    Models, CheckpointRoundTrip,
    ::testing::Values(std::make_pair("ae", "mlp"), std::make_pair("sparse-ae", "mlp"),
                      std::make_pair("denoising-ae", "mlp"), std::make_pair("vae", "mlp"),
                      std::make_pair("vae", "conv"), std::make_pair("gan", "mlp"),
                      std::make_pair("gan", "conv"), std::make_pair("cvae", "mlp"),
                      std::make_pair("cvae", "conv"), std::make_pair("cgan", "mlp"),
                      std::make_pair("cgan", "conv"), std::make_pair("classifier", "mlp"),
                      std::make_pair("classifier", "conv")),
    [](const auto& info) { return testing::kind_arch_name(info.param); });

// The optimizer's step count is an integer (a float stops counting at 2^24 = 16,777,216), and
// checkpoints of format 1, which stored it as a float tensor /optim/<net>/step, still load.
TEST(Checkpoint, StepCountIsAnIntegerAndOldFloatCountsStillLoad) {
  auto model = make_model(small_config("vae", "mlp"), 1);
  for (Network* net : model->networks()) net->optimizer().set_steps((int64_t{1} << 24) + 1);
  std::string path = temp_path("steps.h5");
  save_checkpoint(*model, path, "", TrainingPosition{});
  auto back = make_model(small_config("vae", "mlp"), 1);
  load_checkpoint(*back, path);
  for (Network* net : back->networks())
    EXPECT_EQ(net->optimizer().steps(), (int64_t{1} << 24) + 1) << net->name();

  // Rewrite it as format 1: every dataset but the integer counts, plus the float ones.
  std::string old_path = temp_path("steps-v1.h5");
  {
    CheckpointReader r(path);
    CheckpointWriter w(old_path);
    for (const std::string& key : r.meta_keys())
      if (key == "config" || key == "model" || key == "arch" || key == "sample_shape")
        w.set_meta(key, r.meta_string(key));
      else
        w.set_meta(key, r.meta_int(key));
    w.set_meta("format_version", int64_t{1});
    for (const std::string& name : r.tensor_names()) {
      if (name.find("step_count") != std::string::npos) continue;
      if (name.rfind("/rng/", 0) == 0)
        w.write_ints(name, r.read_ints(name));
      else
        w.write_tensor(name, r.read_tensor(name));
    }
    for (Network* net : model->networks()) {
      Tensor step(Shape{1});
      step.fill(1234.0f);
      w.write_tensor("/optim/" + net->name() + "/step", step);
    }
    w.commit();
  }
  auto old = make_model(small_config("vae", "mlp"), 1);
  load_checkpoint(*old, old_path);
  for (Network* net : old->networks()) EXPECT_EQ(net->optimizer().steps(), 1234) << net->name();
  fs::remove(path);
  fs::remove(old_path);
}

TEST(Checkpoint, OfAnotherModelIsRefusedWithAClearMessage) {
  Tensor data = testing::mnist_subset(64, false);
  auto vae = make_model(small_config("vae", "mlp"), 1);
  std::string path = temp_path("vae-for-gan.h5");
  save_checkpoint(*vae, path, "", TrainingPosition{});
  auto gan = make_model(small_config("gan", "mlp"), 1);
  try {
    load_checkpoint(*gan, path);
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find("vae"), std::string::npos) << msg;
  }
  // A wider model of the same kind: the message names the parameter and both shapes.
  ModelConfig wider = small_config("vae", "mlp");
  wider.hidden = {48};
  auto vae48 = make_model(wider, 1);
  try {
    load_checkpoint(*vae48, path);
    FAIL() << "expected a UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("/params/encoder/"), std::string::npos) << e.what();
  }
  fs::remove(path);
}

// A copy of checkpoint `from` with some integer metadata replaced and, when `poison` names a
// tensor, a NaN in it: what a diverged run, a later latent or a hand-edited file leaves.
void rewrite_checkpoint(const std::string& from, const std::string& to,
                        const std::map<std::string, int64_t>& meta, const std::string& poison) {
  CheckpointReader r(from);
  CheckpointWriter w(to);
  for (const std::string& key : r.meta_keys())
    if (key == "config" || key == "model" || key == "arch" || key == "sample_shape")
      w.set_meta(key, r.meta_string(key));
    else
      w.set_meta(key, meta.count(key) ? meta.at(key) : r.meta_int(key));
  for (const std::string& name : r.tensor_names()) {
    if (name.rfind("/rng/", 0) == 0 || name.find("step_count") != std::string::npos) {
      w.write_ints(name, r.read_ints(name));
      continue;
    }
    Tensor t = r.read_tensor(name);
    if (name == poison) t.data()[t.numel() / 2] = std::nanf("");
    w.write_tensor(name, t);
  }
  w.commit();
}

TEST(Checkpoint, DivergedForeignOrAlteredCheckpointsAreRefusedOnLoad) {
  auto model = make_model(small_config("vae", "mlp"), 1);
  std::string good = temp_path("good.h5"), bad = temp_path("bad.h5");
  save_checkpoint(*model, good, "", TrainingPosition{10, 2, 3, 1, 1});
  std::string weight = "/params/encoder/" + model->networks()[0]->store().entries()[0].name;
  struct Case {
    std::map<std::string, int64_t> meta;
    std::string poison;
    std::vector<std::string> message;
  };
  const Case cases[] = {
      {{}, weight, {weight, "NaN or Inf", "diverged"}},
      {{{"format_version", 99}}, "", {"format_version 99", "versions 1 to"}},
      {{{"step", -4}}, "", {"step is -4"}},
      {{{"epoch", 11}}, "", {"inconsistent"}},
      {{{"world_size", 0}}, "", {"world_size 0"}},
  };
  for (const Case& c : cases) {
    forget_input_file(bad);  // this process read it last round; here replacing it is the point
    rewrite_checkpoint(good, bad, c.meta, c.poison);
    auto back = make_model(small_config("vae", "mlp"), 1);
    try {
      load_checkpoint(*back, bad);
      ADD_FAILURE() << "loaded: " << c.message[0];
    } catch (const UserError& e) {
      for (const std::string& m : c.message)
        EXPECT_NE(std::string(e.what()).find(m), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
  auto back = make_model(small_config("vae", "mlp"), 1);
  EXPECT_EQ(load_checkpoint(*back, good).step, 10);
  fs::remove(good);
  fs::remove(bad);
}

}  // namespace
}  // namespace latent
