#include "launch/option_parsing.hpp"

#include <fstream>
#include <sstream>
#include <vector>

#include "io/input_file.hpp"
#include "launch/ini_text.hpp"
#include "runtime/error.hpp"

namespace po = boost::program_options;

namespace latent {
namespace {

std::vector<std::string> long_names(const po::options_description& options) {
  std::vector<std::string> names;
  for (const auto& o : options.options()) names.push_back(o->long_name());
  return names;
}

std::string suggestion(const std::string& typed, const po::options_description& options) {
  const std::string near = nearest_name(typed, long_names(options));
  return near.empty() ? "" : "; did you mean --" + near + "?";
}

// The name Boost reports ("--latnet", "latnet") without its dashes.
std::string bare(std::string name) {
  while (!name.empty() && name[0] == '-') name.erase(0, 1);
  return name;
}

}  // namespace

void store_command_line(const std::string& command, int argc, char** argv,
                        const po::options_description& options, po::variables_map& vm,
                        const po::positional_options_description* positional) {
  // Boost's message formatting loops forever when an argument holds one of its placeholders,
  // such as '%canonical_option%' (found by fuzz/fuzz_ini): such input gets a message of ours.
  bool percent = false;
  for (int i = 0; i < argc; ++i) percent |= std::string(argv[i]).find('%') != std::string::npos;
  try {
    po::command_line_parser parser(argc, argv);
    parser.options(options).style(po::command_line_style::default_style &
                                  ~po::command_line_style::allow_guessing);
    if (positional) parser.positional(*positional);
    po::store(parser.run(), vm);
  } catch (const po::unknown_option& e) {
    const std::string name = bare(e.get_option_name());
    if (percent) throw UserError(command + ": unknown option '" + name + "' (see --help)");
    throw UserError(command + ": unknown option --" + name + suggestion(name, options) +
                    " (see --help)");
  } catch (const po::error& e) {
    if (percent)
      throw UserError(command + ": an option is malformed and an argument holds '%'; expected " +
                      "`--name value` arguments");
    throw UserError(command + ": " + e.what());
  }
}

void store_ini_text(const std::string& text, const std::string& source,
                    const po::options_description& options, po::variables_map& vm,
                    std::map<std::string, std::string>* origins) {
  po::parsed_options parsed(&options);
  for (const IniEntry& e : parse_ini(text, source)) {
    if (!options.find_nothrow(e.name, /*approx=*/false))
      throw UserError(source + " line " + std::to_string(e.line) + ": unknown option '" + e.name +
                      "'" + suggestion(e.name, options));
    po::option o(e.name, {e.value});
    o.original_tokens = {e.name, e.value};
    parsed.options.push_back(std::move(o));
    if (origins) (*origins)[e.name] = source + " line " + std::to_string(e.line);
  }
  try {
    po::store(parsed, vm);
  } catch (const po::error& e) {
    throw UserError(source + ": " + e.what());
  }
}

std::string read_config_file(const std::string& path) {
  expect_regular_input(path, "--config", "an INI file");
  std::ifstream file(path);
  if (!file) throw UserError("--config " + path + ": cannot open the file");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace latent
