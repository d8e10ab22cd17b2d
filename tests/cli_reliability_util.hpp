#pragma once
// What the Reliability tests share: a scratch folder with the digits, scripts run in it, a tiny
// model, and checks that a command was refused by name (not killed by a signal).
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>

#include "cli_apps_util.hpp"

namespace latent::testing {

inline const char* kTiny = " --model vae --hidden 32 --latent 4 --threads 1";

class ReliabilityTest : public CliTest {
 protected:
  // Runs a bash script in the scratch folder; $L is the latent binary.
  RunResult script(const std::string& body) {
    std::ofstream(path("script.sh")) << "L=" << LATENT_BIN << "\n" << body << "\n";
    return run_shell("cd '" + dir_.string() + "' && OMP_NUM_THREADS=1 bash script.sh 2>&1");
  }
  void train_tiny(const std::string& out, const std::string& more = "") {
    auto r =
        run(" train --data mnist.h5" + std::string(kTiny) + " --max-steps 5 --out " + out + more);
    ASSERT_EQ(r.status, 0) << r.output;
  }
  // Leftover temporaries (".NAME.tmp.HOST.PID") or rank parts (".part") anywhere in the folder.
  int partial_files() {
    int n = 0;
    for (auto& e : std::filesystem::recursive_directory_iterator(dir_)) {
      std::string name = e.path().filename().string();
      n += name.find(".tmp.") != std::string::npos || name.find(".part") != std::string::npos;
    }
    return n;
  }
};

// A script line: start `command` in the background, send `sig` once its first metrics row is
// written (training has begun, whatever the machine's speed), print "status=" and its exit.
inline std::string signal_when_training(const std::string& command, const std::string& out,
                                        const std::string& sig) {
  return command + " & pid=$!\n" + "until [ -s " + out +
         "/metrics.jsonl ] || ! kill -0 $pid 2>/dev/null; do sleep 0.05; done\n" + "kill -" + sig +
         " $pid\nwait $pid; echo status=$?";
}

inline void expect_refused(const RunResult& r, std::initializer_list<const char*> mentions) {
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_LT(r.status, 128) << "ended by a signal: " << r.output;
  for (auto m : mentions)
    EXPECT_NE(r.output.find(m), std::string::npos) << m << " in: " << r.output;
}

}  // namespace latent::testing
