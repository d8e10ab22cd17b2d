#pragma once
// How every command reads its options (Boost.Program_options underneath): the command line with
// prefixes never guessed (`--laten` is not taken for `--latent`) and an unknown option answered
// with the nearest known one, and INI text (launch/ini_text.hpp) with file and line in its
// errors.
#include <boost/program_options.hpp>
#include <map>
#include <string>

namespace latent {

// Stores argv's options (argv[0] is the command, named in errors); `positional` may be null.
void store_command_line(
    const std::string& command, int argc, char** argv,
    const boost::program_options::options_description& options,
    boost::program_options::variables_map& vm,
    const boost::program_options::positional_options_description* positional = nullptr);

// Stores the `name = value` entries of INI `text` (from `source`, named in errors): values already
// in `vm` win. A name `options` does not know is refused with its line and the nearest option.
// `origins` (optional) gets "<source> line N" for every name stored.
void store_ini_text(const std::string& text, const std::string& source,
                    const boost::program_options::options_description& options,
                    boost::program_options::variables_map& vm,
                    std::map<std::string, std::string>* origins = nullptr);

// The text of a --config file, refused by name when it is not a readable regular file.
std::string read_config_file(const std::string& path);

}  // namespace latent
