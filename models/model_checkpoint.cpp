#include "models/model_checkpoint.hpp"

#include "io/checkpoint_reader.hpp"
#include "io/checkpoint_writer.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

// 2: the optimizer's step count is an integer array /optim/<net>/step_count (1: a float tensor
// /optim/<net>/step, still read).
constexpr int64_t kFormatVersion = 2;

std::string step_count_path(Network& net) {
  return "/optim/" + net.name() + "/step_count";
}

int64_t read_step_count(const CheckpointReader& r, Network& net) {
  if (r.has(step_count_path(net))) return r.read_ints(step_count_path(net)).at(0);
  Tensor old(Shape{1});
  r.read_tensor("/optim/" + net.name() + "/step", old);
  return static_cast<int64_t>(old.data()[0]);
}

// Visits every tensor a checkpoint holds for `model`, with its path.
template <class F>
void for_each_model_tensor(Model& model, F visit) {
  for (Network* net : model.networks()) {
    const std::string base = "/params/" + net->name() + "/";
    for (const auto& e : net->store().entries()) visit(base + e.name, e.param->value);
    for (const auto& s : net->layers().state()) visit(base + s.name, *s.tensor);
    for (auto& [name, t] : net->optimizer().state())
      visit("/optim/" + net->name() + "/" + name, *t);
  }
}

}  // namespace

void save_checkpoint(Model& model, const std::string& path, const std::string& config_text,
                     const TrainingPosition& p) {
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
  for_each_model_tensor(model,
                        [&](const std::string& name, Tensor& t) { w.write_tensor(name, t); });
  for (Network* net : model.networks())
    w.write_ints(step_count_path(*net), {net->optimizer().steps()});
  w.write_ints("/rng/seed", {static_cast<int64_t>(p.seed)});
  w.write_ints("/rng/position", {p.step, p.epoch, p.step_in_epoch});
  w.commit();
}

TrainingPosition load_checkpoint(Model& model, const std::string& path) {
  CheckpointReader r(path);
  r.expect_meta("model", model.kind());
  r.expect_meta("arch", model.config().arch);
  r.expect_meta("sample_shape", model.config().sample_shape.str());
  for_each_model_tensor(model, [&](const std::string& name, Tensor& t) { r.read_tensor(name, t); });
  for (Network* net : model.networks()) net->optimizer().set_steps(read_step_count(r, *net));
  TrainingPosition p;
  p.step = r.meta_int("step");
  p.epoch = r.meta_int("epoch");
  p.step_in_epoch = r.has_meta("step_in_epoch") ? r.meta_int("step_in_epoch") : 0;
  p.world_size = static_cast<int>(r.meta_int("world_size"));
  p.seed = static_cast<uint64_t>(r.read_ints("/rng/seed").at(0));
  return p;
}

int checkpoint_world_size(const std::string& path) {
  return static_cast<int>(CheckpointReader(path).meta_int("world_size"));
}

std::string checkpoint_config_text(const std::string& path) {
  CheckpointReader r(path);
  if (!r.has_meta("config"))
    throw UserError("checkpoint " + path +
                    ": no /meta config attribute (not a latent checkpoint?)");
  return r.meta_string("config");
}

}  // namespace latent
