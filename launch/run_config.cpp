#include "launch/run_config.hpp"

#include <boost/program_options.hpp>
#include <set>
#include <sstream>

#include "launch/app_support.hpp"
#include "launch/ini_text.hpp"
#include "launch/option_parsing.hpp"
#include "launch/train_options.hpp"
#include "models/model_checkpoint.hpp"
#include "models/model_kinds.hpp"
#include "models/option_values.hpp"
#include "runtime/error.hpp"

namespace po = boost::program_options;

namespace latent {
namespace {

std::string get(const po::variables_map& vm, const std::string& name) {
  return vm[name].as<std::string>();
}

void add_string_option(po::options_description& d, const char* name, const char* default_value,
                       const std::string& help) {
  d.add_options()(name, po::value<std::string>()->default_value(default_value), help.c_str());
}

std::string model_option_help(const ModelOption& o) {
  return std::string(o.name) == "model" ? model_kind_names() : o.help;
}

// The model's options of `kinds`, titled: the shared ones, then each kind's. The parser's
// description (`once`) holds an option shared by several kinds once; the help lists it under
// every kind that takes it.
po::options_description model_options(const std::vector<const ModelKind*>& kinds, bool once) {
  po::options_description d("model options (every kind)");
  std::set<std::string> seen;
  for (const ModelOption& o : shared_model_options()) {
    add_string_option(d, o.name, o.default_value, model_option_help(o));
    seen.insert(o.name);
  }
  for (const ModelKind* k : kinds) {
    po::options_description own("options of --model " + std::string(k->name) + " (" + k->summary +
                                ")");
    for (const ModelOption& o : k->options()) {
      if (!seen.insert(o.name).second && once) continue;
      add_string_option(own, o.name, o.default_value, o.help);
    }
    if (!own.options().empty()) d.add(own);
  }
  return d;
}

std::vector<const ModelKind*> all_kinds() {
  std::vector<const ModelKind*> kinds;
  for (const ModelKind& k : model_kinds()) kinds.push_back(&k);
  return kinds;
}

po::options_description described(const std::vector<TrainOptionSpec>& specs, const char* title) {
  po::options_description d(title);
  for (const TrainOptionSpec& o : specs) add_string_option(d, o.name, o.default_value, o.help);
  return d;
}

// What the parser knows: every kind's options (a stored config of an older latent lists them
// all), the training and the process options.
po::options_description all_options() {
  po::options_description all;
  all.add(model_options(all_kinds(), /*once=*/true));
  all.add(described(training_option_specs(), "training options"));
  all.add(described(process_option_specs(), "process options"));
  return all;
}

const ModelKind& kind_of(const po::variables_map& vm) {
  return model_kind(get(vm, "model"));
}

// The model's config from the options of its kind (the kind first: `adam-beta1 auto` reads it).
ModelConfig model_from(const po::variables_map& vm) {
  ModelConfig c;
  for (const ModelOption& o : options_of(kind_of(vm))) o.apply(c, get(vm, o.name));
  return c;
}

// An option the user gave that the kind does not take is a mistake (a --beta for a gan): it is
// refused rather than ignored.
void refuse_options_of_other_kinds(const std::map<std::string, std::string>& given,
                                   const ModelKind& kind) {
  std::set<std::string> own;
  for (const ModelOption& o : options_of(kind)) own.insert(o.name);
  for (const auto& [name, value] : given) {
    if (!is_model_option(name) || own.count(name)) continue;
    std::string owners;
    for (const ModelKind& k : model_kinds())
      for (const ModelOption& o : k.options())
        if (name == o.name) owners += (owners.empty() ? "" : ", ") + std::string(k.name);
    throw UserError("--" + name + " is an option of --model " + owners + "; --model " + kind.name +
                    " does not take it (latent train --model " + kind.name +
                    " --help lists its options)");
  }
}

// A value that the plain INI form would not bring back (a path holding a newline or '#') is
// written quoted (launch/ini_text.hpp).
std::string ini_line(const std::string& name, const std::string& value) {
  return name + " = " + ini_value(value) + "\n";
}

// Calls f(name, on_resume) for every option of the resolved config of `kind`: its model options,
// then the training options.
template <class F>
void for_each_resolved_option(const ModelKind& kind, F f) {
  for (const ModelOption& o : options_of(kind)) f(o.name, OnResume::kCheckpointHolds);
  for (const TrainOptionSpec& o : training_option_specs()) f(o.name, o.on_resume);
}

// Every option of the run's kind and of training, defaults included: config.ini, and the text a
// checkpoint keeps.
std::string resolved_text(const po::variables_map& vm) {
  std::string text = "# latent train: resolved configuration (every option, defaults included)\n";
  for_each_resolved_option(
      kind_of(vm), [&](const char* name, OnResume) { text += ini_line(name, get(vm, name)); });
  return text;
}

// Every option's value in an INI text (defaults for the ones it lacks, e.g. an older
// checkpoint's config).
po::variables_map variables_from_text(const std::string& text, const std::string& source) {
  po::variables_map vm;
  store_ini_text(text, source, all_options(), vm);
  po::notify(vm);
  return vm;
}

// A value error ("--latent 'x': expected a number") of an option that came from a config file
// names the file and line first.
// --precision and --tf32 as the layers' arithmetic.
ops::Math math_from(const std::string& precision, const std::string& tf32) {
  const bool allow_tf32 = option_bool("tf32", tf32);
  if (precision == "bf16") return ops::Math::kBf16;
  if (precision != "fp32") throw UserError("--precision " + precision + ": expected fp32 or bf16");
  return allow_tf32 ? ops::Math::kTf32 : ops::Math::kFp32;
}

RunConfig run_config_from(const po::variables_map& vm,
                          const std::map<std::string, std::string>& origins = {}) {
  try {
    RunConfig rc;
    rc.model = model_from(vm);
    rc.model.math = math_from(get(vm, "precision"), get(vm, "tf32"));
    rc.train = training_options_from([&](const char* name) { return get(vm, name); });
    rc.threads = static_cast<int>(option_int("threads", get(vm, "threads")));
    rc.resolved_text = resolved_text(vm);
    return rc;
  } catch (const UserError& e) {
    const std::string message = e.what();
    for (const auto& [name, where] : origins) {
      const std::string flag = "--" + name;
      if (vm[name].defaulted() || message.compare(0, flag.size(), flag) != 0) continue;
      const char next = message.size() > flag.size() ? message[flag.size()] : ' ';
      if (next == ' ' || next == ':') throw UserError(where + ": " + message);
    }
    throw;
  }
}

// The value the option means: numbers compare as numbers, Adam's "auto" β1 as what it picks.
std::string effective_value(const std::string& name, const std::string& value,
                            const ModelKind& kind) {
  const std::string v =
      name == "adam-beta1" && value == "auto" ? std::to_string(kind.traits.adam_beta1) : value;
  try {
    size_t used = 0;
    double d = std::stod(v, &used);
    if (used == v.size()) return std::to_string(d);
  } catch (const std::exception&) {
  }
  return v;
}

// `latent train --help`: the options of --model's kind when it is given, every kind's otherwise.
std::string help_text(const po::options_description& general, const po::variables_map& vm) {
  const bool one_kind = !vm["model"].defaulted();
  std::vector<const ModelKind*> kinds =
      one_kind ? std::vector<const ModelKind*>{&kind_of(vm)} : all_kinds();
  std::ostringstream help;
  help << "usage: latent train --data F.h5 [--model KIND] [options]\n\nkinds of model:\n";
  for (const ModelKind& k : model_kinds()) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-13s %s\n", k.name, k.summary);
    help << line;
  }
  if (!one_kind) help << "\n(latent train --model KIND --help shows only that kind's options)\n";
  help << "\n"
       << general << "\n"
       << model_options(kinds, /*once=*/false) << "\n"
       << described(training_option_specs(), "training options") << "\n"
       << described(process_option_specs(), "process options");
  return help.str();
}

// Puts the model's options of a checkpoint's config into `vm` where the user left them out
// (--init-from: a new run from its weights builds the same networks by default).
void take_model_options_from_checkpoint(const std::string& path, po::variables_map& vm) {
  po::variables_map saved =
      variables_from_text(checkpoint_config_text(path), "checkpoint " + path + " config");
  std::set<std::string> names{"model"};
  for (const ModelOption& o : options_of(kind_of(vm["model"].defaulted() ? saved : vm)))
    names.insert(o.name);
  for (const std::string& name : names)
    if (vm[name].defaulted()) {
      vm.erase(name);
      vm.insert({name, po::variable_value(saved[name].value(), false)});
    }
}

// --conditional: the conditional variant of --model's kind, as if it had been named.
void choose_conditional_kind(po::variables_map& vm) {
  const ModelKind& kind = kind_of(vm);
  if (!kind.conditional_variant) {
    std::string kinds;
    for (const ModelKind& k : model_kinds())
      if (k.conditional_variant) kinds += (kinds.empty() ? "" : ", ") + std::string(k.name);
    throw UserError("--conditional: --model " + std::string(kind.name) +
                    " has no conditional kind (" + kinds + " have)");
  }
  vm.erase("model");
  vm.insert({"model", po::variable_value(std::string(kind.conditional_variant), false)});
}

}  // namespace

RunConfig parse_train_args(int argc, char** argv) {
  po::options_description general("general");
  general.add_options()("help,h", "show this help (with --model KIND: that kind's options)")(
      "config", po::value<std::string>(),
      "INI file of options, `name = value` lines, # or ; comments (the command line wins)")(
      "resume", po::value<std::string>(),
      "continue this run from its checkpoint, on the same data (its settings hold)")(
      "init-from", po::value<std::string>(),
      "start a new run from this checkpoint's weights (fine-tuning): the model's options come "
      "from it unless given, any data of the same sample shape")(
      "conditional", po::value<std::string>()->implicit_value("true"),
      "the model's conditional kind (--model vae --conditional is --model cvae): the class of "
      "each sample joins its networks; trains on the data's labels");
  po::options_description cmdline = all_options();
  cmdline.add(general);
  RunConfig rc;
  po::variables_map vm;
  std::map<std::string, std::string> origins;
  store_command_line("train", argc, argv, cmdline, vm);
  if (vm.count("config")) {  // earlier values (the command line's) win
    const std::string path = vm["config"].as<std::string>();
    store_ini_text(read_config_file(path), path, all_options(), vm, &origins);
  }
  if (vm.count("help")) {
    rc.help = true;
    rc.help_text = help_text(general, vm);
    return rc;
  }
  if (vm.count("conditional") && option_bool("conditional", vm["conditional"].as<std::string>()))
    choose_conditional_kind(vm);
  if (vm.count("resume") && vm.count("init-from"))
    throw UserError(
        "--resume and --init-from: give one (--resume continues a run, --init-from "
        "starts a new one from its weights)");
  std::map<std::string, std::string> given;
  for (const auto& [name, value] : vm)
    if (!value.defaulted() && name != "config" && name != "resume" && name != "init-from" &&
        name != "device" && name != "conditional")
      given[name] = value.as<std::string>();
  if (vm.count("init-from"))
    take_model_options_from_checkpoint(vm["init-from"].as<std::string>(), vm);
  po::notify(vm);
  const Device device = parse_device(get(vm, "device"));
  if (vm.count("resume")) {  // the rest comes from the checkpoint: resume_run_config
    rc.given = given;
    rc.train.resume = vm["resume"].as<std::string>();
    rc.model.device = device;
    return rc;
  }
  refuse_options_of_other_kinds(given, kind_of(vm));
  rc = run_config_from(vm, origins);
  rc.given = given;
  rc.model.device = device;
  if (vm.count("init-from")) rc.train.init_from = vm["init-from"].as<std::string>();
  return rc;
}

RunConfig resume_run_config(const RunConfig& given, const std::string& checkpoint_text,
                            int checkpoint_world, int world) {
  const std::string& path = given.train.resume;
  po::variables_map saved = variables_from_text(checkpoint_text, "checkpoint " + path + " config");
  const ModelKind& kind = kind_of(saved);
  refuse_options_of_other_kinds(given.given, kind);
  std::string text;
  for_each_resolved_option(kind, [&](const char* name, OnResume on_resume) {
    if (std::string(name) == "batch") return;  // below
    std::string value = get(saved, name);
    auto it = given.given.find(name);
    if (it != given.given.end()) {
      if (on_resume == OnResume::kMayChange)
        value = it->second;
      else if (effective_value(name, it->second, kind) != effective_value(name, value, kind))
        throw UserError("--resume " + path + ": --" + name + " " + it->second +
                        " differs from the checkpoint's " + value +
                        "; a resumed run keeps the settings it was trained with (leave the " +
                        "option out, or start a new run)");
    }
    text += ini_line(name, value);
  });
  // The global batch is the checkpoint's; each rank takes its share.
  const int64_t global = option_int("batch", get(saved, "batch")) * checkpoint_world;
  int64_t batch = global / world;
  auto it = given.given.find("batch");
  if (it != given.given.end()) batch = option_int("batch", it->second);
  if (batch * world != global)
    throw UserError("--resume " + path + ": the checkpoint's global batch is " +
                    std::to_string(global) + " (" + std::to_string(checkpoint_world) + " ranks x " +
                    get(saved, "batch") + "), which " + std::to_string(world) + " ranks x " +
                    std::to_string(batch) +
                    " would change; leave --batch out (then each rank takes global / ranks) " +
                    "or run on a rank count that divides it");
  text += "batch = " + std::to_string(batch) + "\n";
  RunConfig rc = run_config_from(variables_from_text(text, "resumed config"));
  rc.given = given.given;
  rc.model.device = given.model.device;  // the process's own choice, not the checkpoint's
  rc.train.resume = path;
  return rc;
}

void resolve_num_classes(RunConfig& rc, int64_t classes) {
  rc.model.num_classes = classes;
  const std::string line = "\nnum-classes = auto\n";
  const size_t at = rc.resolved_text.find(line);
  if (at != std::string::npos)
    rc.resolved_text.replace(at, line.size(), "\nnum-classes = " + std::to_string(classes) + "\n");
}

void resolve_conv_widths(RunConfig& rc, const std::vector<int64_t>& widths) {
  rc.model.conv_widths = widths;
  std::string text;
  for (int64_t w : widths) text += (text.empty() ? "" : ",") + std::to_string(w);
  const std::string line = "\nconv-widths = auto\n";
  const size_t at = rc.resolved_text.find(line);
  if (at != std::string::npos)
    rc.resolved_text.replace(at, line.size(), "\nconv-widths = " + text + "\n");
}

ModelConfig model_config_from_text(const std::string& text, const std::string& checkpoint) {
  return model_from(variables_from_text(text, "checkpoint " + checkpoint + " config"));
}

}  // namespace latent
