#pragma once
// Plots through gnuplot (Debian: gnuplot-nox), driven by a script file: the program that
// draws axes, legends and fonts properly. LATENT_GNUPLOT names another gnuplot binary.
#include <string>
#include <vector>

namespace latent {

// A scratch folder for data and script files, removed with the object.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs the gnuplot script, which sets its terminal and then `set output outfile`: the
// variable names a temporary file, renamed to `png` only when gnuplot succeeds. UserError
// naming the command when gnuplot is missing or fails (with gnuplot's message).
void run_gnuplot(const std::string& command, const std::string& png,
                 const std::string& script_using_output);

// 'text' for a gnuplot script (single quotes doubled).
std::string gnuplot_quote(const std::string& text);

}  // namespace latent
