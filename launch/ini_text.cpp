#include "launch/ini_text.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "runtime/error.hpp"

namespace latent {
namespace {

bool blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && blank(s[b])) ++b;
  while (e > b && blank(s[e - 1])) --e;
  return s.substr(b, e - b);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

[[noreturn]] void fail(const std::string& source, int line, const std::string& what) {
  throw UserError(source + " line " + std::to_string(line) + ": " + what);
}

// `rest` starts at the opening quote; what follows the closing one may only be a comment.
std::string unquote(const std::string& rest, const std::string& source, int line) {
  std::string out;
  size_t i = 1;
  for (; i < rest.size() && rest[i] != '"'; ++i) {
    if (rest[i] != '\\') {
      out += rest[i];
      continue;
    }
    if (++i == rest.size()) break;
    switch (rest[i]) {
      case '\\':
      case '"':
        out += rest[i];
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'x': {
        const int hi = i + 1 < rest.size() ? hex_digit(rest[i + 1]) : -1;
        const int lo = i + 2 < rest.size() ? hex_digit(rest[i + 2]) : -1;
        if (hi < 0 || lo < 0) fail(source, line, "\\x in a quoted value needs two hex digits");
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default:
        fail(source, line,
             std::string("unknown escape \\") + rest[i] +
                 " in a quoted value; expected \\\\ \\\" \\n \\r \\t or \\xHH");
    }
  }
  if (i >= rest.size()) fail(source, line, "a quoted value without its closing '\"'");
  const std::string after = trim(rest.substr(i + 1));
  if (!after.empty() && after[0] != '#' && after[0] != ';')
    fail(source, line, "text after the closing '\"' of a quoted value: '" + after + "'");
  return out;
}

// An unquoted value ends where a comment starts: '#' or ';' after a blank.
std::string plain_value(const std::string& rest) {
  for (size_t i = 1; i < rest.size(); ++i)
    if ((rest[i] == '#' || rest[i] == ';') && blank(rest[i - 1])) return trim(rest.substr(0, i));
  return trim(rest);
}

bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::vector<IniEntry> parse_ini(const std::string& text, const std::string& source) {
  std::vector<IniEntry> entries;
  std::set<std::string> seen;
  // A byte-order mark, as Windows editors write at the start of UTF-8 text, is not part of a name.
  size_t at = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  for (int line = 1; at <= text.size(); ++line) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string raw = trim(text.substr(at, end - at));
    at = end + 1;
    if (raw.empty() || raw[0] == '#' || raw[0] == ';') continue;
    if (raw[0] == '[')
      fail(source, line, "'" + raw + "': sections are not used; expected `name = value` lines");
    const size_t eq = raw.find('=');
    if (eq == std::string::npos)
      fail(source, line, "'" + raw + "' is not `name = value` (comments start with # or ;)");
    IniEntry e;
    e.name = trim(raw.substr(0, eq));
    e.line = line;
    if (!valid_name(e.name))
      fail(source, line, "'" + e.name + "' is not an option name (letters, digits, '-')");
    const std::string rest = trim(raw.substr(eq + 1));
    e.value = !rest.empty() && rest[0] == '"' ? unquote(rest, source, line) : plain_value(rest);
    if (!seen.insert(e.name).second)
      fail(source, line, e.name + " is given a second time; expected each option once");
    entries.push_back(std::move(e));
  }
  return entries;
}

std::string ini_value(const std::string& value) {
  bool plain =
      value.empty() || (!blank(value.front()) && !blank(value.back()) && value.front() != '"');
  for (size_t i = 0; plain && i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    plain = c >= 0x20 && c != 0x7f && c != '#' && c != ';' && c != '"' && c != '\\';
  }
  if (plain) return value;
  std::string out = "\"";
  for (char ch : value) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += ch;  // UTF-8 bytes pass unchanged
    }
  }
  return out + "\"";
}

std::string nearest_name(const std::string& typed, const std::vector<std::string>& names) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, typed.size() / 3) + 1;
  for (const std::string& n : names) {
    const size_t d = edit_distance(typed, n);
    if (d < best_distance) {
      best_distance = d;
      best = n;
    }
  }
  return best;
}

}  // namespace latent
