#include "models/model_checkpoint.hpp"

#include "io/checkpoint_reader.hpp"
#include "io/checkpoint_writer.hpp"
#include "runtime/build_info.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"
#include "runtime/ops.hpp"

namespace latent {
namespace {

// 2: the optimizer's step count is an integer array /optim/<net>/step_count (1: a float tensor
// /optim/<net>/step, still read).
constexpr int64_t kFormatVersion = 2;

std::string step_count_path(Network& net) {
  return "/optim/" + net.name() + "/step_count";
}

// The single value of an integer array; an empty one is a damaged file, said so by name.
int64_t first_int(const CheckpointReader& r, const std::string& name) {
  std::vector<int64_t> v = r.read_ints(name);
  if (v.empty())
    throw UserError("checkpoint " + r.path() + ": " + name + " is empty; expected one value");
  return v[0];
}

int64_t read_step_count(const CheckpointReader& r, Network& net) {
  if (r.has(step_count_path(net))) return first_int(r, step_count_path(net));
  Tensor old(Shape{1});  // checkpoint I/O: a host tensor, read on the host
  r.read_tensor("/optim/" + net.name() + "/step", old);
  return static_cast<int64_t>(old.data()[0]);
}

std::string average_path(Network& net) {
  return "/ema/" + net.name();
}

// Visits every tensor a checkpoint holds for `model`, with its path: the parameters and layer
// state, then (unless `weights_only`) the optimizer's state and the weights' moving average.
template <class F>
void for_each_model_tensor(Model& model, F visit, bool weights_only = false) {
  for (Network* net : model.networks()) {
    const std::string base = "/params/" + net->name() + "/";
    for (const auto& e : net->store().entries()) visit(base + e.name, e.param->value);
    for (const auto& s : net->layers().state()) visit(base + s.name, *s.tensor);
    if (weights_only) continue;
    for (auto& [name, t] : net->optimizer().state())
      visit("/optim/" + net->name() + "/" + name, *t);
    if (net->has_average()) visit(average_path(*net), net->average());
  }
}

// Reads tensor `name` into `t`, checked finite; a device tensor goes through a host copy
// (`staged`).
void read_checked(const CheckpointReader& r, const std::string& path, const std::string& name,
                  Tensor& t, Tensor& staged) {
  Tensor* host = &t;
  if (t.device() != Device::kCpu) {
    staged.resize(t.shape(), Device::kCpu);
    host = &staged;
  }
  r.read_tensor(name, *host);
  if (!ops::all_finite(*host))
    throw UserError("checkpoint " + path + ": " + name +
                    " holds NaN or Inf; the run that wrote it had diverged (resume from an "
                    "earlier checkpoint or train again with a lower --lr)");
  if (host != &t) ops::copy_from_host(host->data(), t);
  t.note_written();
}

// Reads every tensor `visit`ed into the model.
void read_model_tensors(Model& model, const CheckpointReader& r, const std::string& path,
                        bool weights_only) {
  Tensor staged;
  for_each_model_tensor(
      model, [&](const std::string& name, Tensor& t) { read_checked(r, path, name, t, staged); },
      weights_only);
}

void expect_same_model(const CheckpointReader& r, const Model& model) {
  r.expect_meta("model", model.kind());
  r.expect_meta("arch", model.config().arch);
  r.expect_meta("sample_shape", model.config().sample_shape.str());
}

// Files of a later latent (or altered ones) are refused rather than misread.
void check_format_version(const CheckpointReader& r, const std::string& path) {
  if (!r.has_meta("format_version")) return;  // format 1 had none
  int64_t v = r.meta_int("format_version");
  if (v < 1 || v > kFormatVersion)
    throw UserError("checkpoint " + path + ": format_version " + std::to_string(v) +
                    "; this latent reads versions 1 to " + std::to_string(kFormatVersion));
}

void expect_counter(const std::string& path, const std::string& name, int64_t value, int64_t min) {
  if (value < min)
    throw UserError("checkpoint " + path + ": " + name + " is " + std::to_string(value) +
                    "; expected >= " + std::to_string(min));
}

int64_t checkpoint_world_size(const CheckpointReader& r, const std::string& path) {
  int64_t w = r.meta_int("world_size");
  if (w < 1 || w > (int64_t{1} << 24))
    throw UserError("checkpoint " + path + ": world_size " + std::to_string(w) +
                    "; expected a rank count >= 1");
  return w;
}

}  // namespace

void save_checkpoint(Model& model, const std::string& path, const std::string& config_text,
                     const TrainingPosition& p, const RunOrigin& origin) {
  CheckpointWriter w(path);
  w.set_meta("format_version", kFormatVersion);
  w.set_meta("model", model.kind());
  w.set_meta("arch", model.config().arch);
  w.set_meta("config", config_text);
  w.set_meta("sample_shape", model.config().sample_shape.str());
  w.set_meta("step", p.step);
  w.set_meta("epoch", p.epoch);
  w.set_meta("step_in_epoch", p.step_in_epoch);
  w.set_meta("world_size", static_cast<int64_t>(p.world_size));
  if (origin.data.known()) {
    w.set_meta("data_samples", origin.data.samples);
    w.set_meta("data_sample_shape", origin.data.sample_shape);
    w.set_meta("data_type", origin.data.type);
    w.set_meta("data_fingerprint", origin.data.fingerprint);
    w.set_meta("data_path", origin.data_path);
    w.set_meta("latent_version", version_line());  // the build of the run (latent --version)
  }
  if (!origin.init_from.empty()) w.set_meta("init_from", origin.init_from);
  // Written from host memory whatever the device: the file is the same for a run on a GPU.
  Tensor staged;
  for_each_model_tensor(
      model, [&](const std::string& name, Tensor& t) { w.write_tensor(name, on_host(t, staged)); });
  for (Network* net : model.networks())
    w.write_ints(step_count_path(*net), {net->optimizer().steps()});
  w.write_ints("/rng/seed", {static_cast<int64_t>(p.seed)});
  w.write_ints("/rng/position", {p.step, p.epoch, p.step_in_epoch});
  w.commit();
}

TrainingPosition load_checkpoint(Model& model, const std::string& path) {
  CheckpointReader r(path);
  check_format_version(r, path);
  expect_same_model(r, model);
  read_model_tensors(model, r, path, /*weights_only=*/false);
  for (Network* net : model.networks()) {
    int64_t steps = read_step_count(r, *net);
    expect_counter(path, step_count_path(*net), steps, 0);
    net->optimizer().set_steps(steps);
  }
  TrainingPosition p;
  p.step = r.meta_int("step");
  p.epoch = r.meta_int("epoch");
  p.step_in_epoch = r.has_meta("step_in_epoch") ? r.meta_int("step_in_epoch") : 0;
  expect_counter(path, "step", p.step, 0);
  expect_counter(path, "epoch", p.epoch, 0);
  expect_counter(path, "step_in_epoch", p.step_in_epoch, 0);
  if (p.epoch > p.step || p.step_in_epoch > p.step)
    throw UserError(
        "checkpoint " + path + ": step " + std::to_string(p.step) + ", epoch " +
        std::to_string(p.epoch) + ", step_in_epoch " + std::to_string(p.step_in_epoch) +
        " are inconsistent (every epoch takes at least one step); the file was altered");
  p.world_size = static_cast<int>(checkpoint_world_size(r, path));
  int64_t seed = first_int(r, "/rng/seed");
  if (seed < 0 || seed > 0xffffffffLL)
    throw UserError("checkpoint " + path + ": /rng/seed " + std::to_string(seed) +
                    "; expected a 32-bit seed");
  p.seed = static_cast<uint64_t>(seed);
  return p;
}

int checkpoint_world_size(const std::string& path) {
  CheckpointReader r(path);
  check_format_version(r, path);
  return static_cast<int>(checkpoint_world_size(r, path));
}

std::string checkpoint_config_text(const std::string& path) {
  CheckpointReader r(path);
  if (!r.has_meta("config"))
    throw UserError("checkpoint " + path +
                    ": no /meta config attribute (not a latent checkpoint?)");
  return r.meta_string("config");
}

int64_t checkpoint_bytes_estimate(Model& model, const std::string& config_text) {
  // Measured on latent's own checkpoints: under 1.5 KB of HDF5 metadata per tensor; 4 KB is kept.
  constexpr int64_t kPerTensor = 4096, kFixed = 64 * 1024;
  int64_t bytes = kFixed + static_cast<int64_t>(config_text.size());
  for_each_model_tensor(model, [&](const std::string&, Tensor& t) {
    bytes += kPerTensor + t.numel() * static_cast<int64_t>(sizeof(float));
  });
  return bytes;
}

void load_weights(Model& model, const std::string& path) {
  CheckpointReader r(path);
  check_format_version(r, path);
  expect_same_model(r, model);
  read_model_tensors(model, r, path, /*weights_only=*/true);
  // The average starts from the checkpoint's (or from its weights, when it kept none).
  for (Network* net : model.networks()) {
    if (!net->has_average()) continue;
    Tensor staged;
    if (r.has(average_path(*net)))
      read_checked(r, path, average_path(*net), net->average(), staged);
    else
      ops::copy(net->store().values(), net->average());
  }
}

RunOrigin checkpoint_origin(const std::string& path) {
  CheckpointReader r(path);
  RunOrigin o;
  if (r.has_meta("data_fingerprint")) {
    o.data.samples = r.meta_int("data_samples");
    o.data.sample_shape = r.meta_string("data_sample_shape");
    o.data.type = r.meta_string("data_type");
    o.data.fingerprint = r.meta_string("data_fingerprint");
  }
  if (r.has_meta("data_path")) o.data_path = r.meta_string("data_path");
  if (r.has_meta("init_from")) o.init_from = r.meta_string("init_from");
  return o;
}

}  // namespace latent
