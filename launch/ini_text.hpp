#pragma once
// The INI text of `--config` files and of the resolved configuration stored in run folders and
// checkpoints: `name = value` lines.
//
// - A line whose first non-blank character is '#' or ';' is a comment; so is the rest of an
//   unquoted value from a ' #' or ' ;' on (Boost's reader, used before, took '#' anywhere as a
//   comment and refused ';' lines).
// - A value in double quotes is taken exactly, with the escapes \\ \" \n \r \t and \xHH; the
//   writer quotes every value that the plain form would not bring back (a path holding a
//   newline, '#', ';', '"', control characters, or blanks at its ends). UTF-8 passes as it is.
// Every error names the source (file) and the line.
#include <string>
#include <vector>

namespace latent {

struct IniEntry {
  std::string name, value;
  int line = 0;  // 1-based line of the source
};

// The entries of `text` in order; UserError "<source> line N: ..." for a line that is not
// `name = value`, a bad quoted value, or a name given twice.
std::vector<IniEntry> parse_ini(const std::string& text, const std::string& source);

// `value` as it must be written after `name = ` so that parse_ini gives it back unchanged.
std::string ini_value(const std::string& value);

// The option name among `names` nearest to `typed` (edit distance, at most about a third of its
// length), or "" when none is near.
std::string nearest_name(const std::string& typed, const std::vector<std::string>& names);

}  // namespace latent
