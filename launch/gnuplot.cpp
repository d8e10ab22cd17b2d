#include "launch/gnuplot.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "runtime/error.hpp"

namespace fs = std::filesystem;

namespace latent {
namespace {

// The gnuplot binary: $LATENT_GNUPLOT, else the first `gnuplot` on PATH; empty when none.
std::string find_gnuplot() {
  if (const char* env = std::getenv("LATENT_GNUPLOT"))
    return access(env, X_OK) == 0 ? std::string(env) : std::string();
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    fs::path candidate = fs::path(dir.empty() ? "." : dir) / "gnuplot";
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

ScratchDir::ScratchDir() {
  std::string pattern = (fs::temp_directory_path() / "latent-plot-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw UserError("cannot create a scratch folder in " + pattern);
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::string gnuplot_quote(const std::string& text) {
  std::string q = "'";
  for (char c : text) q += c == '\'' ? std::string("''") : std::string(1, c);
  return q + "'";
}

void run_gnuplot(const std::string& command, const std::string& png,
                 const std::string& script_using_output) {
  std::string gnuplot = find_gnuplot();
  if (gnuplot.empty())
    throw UserError(
        command + ": gnuplot not found (" +
        (std::getenv("LATENT_GNUPLOT")
             ? "LATENT_GNUPLOT=" + std::string(std::getenv("LATENT_GNUPLOT")) + " is not executable"
             : std::string("not on PATH")) +
        "); install it (Debian: apt-get install gnuplot-nox, as scripts/setup.sh does)");
  ScratchDir scratch;
  // Drawn under a temporary name beside the target and renamed: never a half-written PNG.
  fs::path target(png);
  fs::path temporary = target.parent_path() /
                       ("." + target.filename().string() + ".tmp." + std::to_string(getpid()));
  std::string script_path = scratch.path() + "/plot.gp", log_path = scratch.path() + "/gnuplot.log";
  {
    std::ofstream script(script_path);
    script << "outfile = " << gnuplot_quote(temporary.string()) << "\n" << script_using_output;
    if (!script) throw UserError(command + ": cannot write " + script_path);
  }
  std::string cmd = shell_quote(gnuplot) + " " + shell_quote(script_path) + " >" +
                    shell_quote(log_path) + " 2>&1";
  int status = std::system(cmd.c_str());
  bool ok = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && fs::exists(temporary);
  if (!ok) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    std::ifstream log(log_path);
    std::stringstream text;
    text << log.rdbuf();
    std::string message = text.str();
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    throw UserError(command + ": gnuplot failed drawing " + png + ": " + message);
  }
  std::error_code ec;
  fs::rename(temporary, target, ec);
  if (ec) throw UserError(command + ": cannot move the plot to " + png + ": " + ec.message());
}

}  // namespace latent
