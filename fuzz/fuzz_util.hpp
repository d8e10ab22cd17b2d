#pragma once
// What every fuzz target shares: a scratch folder of its own, the fuzz bytes written to a file
// there (the readers take paths), and the one outcome besides success that a reader may have
// on bad input: a UserError. Anything else (another exception, a crash, a sanitizer report, a
// timeout) is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>

#include "runtime/error.hpp"

namespace latent::fuzz {

// A folder under $TMPDIR (or /tmp) for this process, made on first use and removed at exit.
inline const std::string& scratch_dir() {
  static const std::string dir = [] {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base ? base : "/tmp") + "/latent_fuzz_XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("latent fuzz: mkdtemp");
      std::abort();
    }
    static std::string remove = "rm -rf '" + pattern + "'";
    std::atexit([] { (void)std::system(remove.c_str()); });
    return pattern;
  }();
  return dir;
}

// The path `name` in the scratch folder.
inline std::string scratch_file(const std::string& name) {
  return scratch_dir() + "/" + name;
}

// Writes `size` bytes to `path` (replacing it) and returns the path.
inline std::string write_file(const std::string& path, const uint8_t* data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) {
    std::perror(("latent fuzz: writing " + path).c_str());
    std::abort();
  }
  return path;
}

// Runs `read`; a UserError is the clean refusal of bad input and ends the run quietly.
inline void expect_clean(const std::function<void()>& read) {
  try {
    read();
  } catch (const UserError&) {
  }
  std::remove(scratch_file("out.h5").c_str());
}

}  // namespace latent::fuzz
