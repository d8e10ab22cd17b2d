// Issue 25, while it runs: a stalled rank ends the job by name, room for checkpoints is checked
// before the first step, temporaries of dead runs are removed, and messages lead to the fix.
#include <sys/mount.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "cli_reliability_util.hpp"
#include "io/atomic_file.hpp"
#include "io/checkpoint_reader.hpp"

namespace latent {
namespace {

using testing::expect_refused;
using testing::kTiny;
using testing::read_text;

class Reliability2Runs : public testing::ReliabilityTest {};

// Two ranks train until one is stopped (SIGSTOP) once training has begun; the other ends the
// job. Prints "status=", the stopped rank's PID, and the CPU ticks the waiting rank used over
// two seconds of the stall.
std::string stall_script(int stopped_rank) {
  const std::string out = "run" + std::to_string(stopped_rank);
  return std::string("env ") + testing::kMpirun2 +
         " $L train --data mnist.h5 --model vae --hidden 32 --latent 4 --threads 1 --epochs "
         "100000 --stall-timeout 4 --out " +
         out +
         " > out.txt 2>&1 & mp=$!\n"
         "until grep -q '\"step\"' " +
         out +
         "/metrics.jsonl 2>/dev/null || ! kill -0 $mp; do "
         "sleep 0.1; done\n"
         "ranks=$(pgrep -P $mp | sort -n)\n"
         "[ $(echo \"$ranks\" | wc -w) = 2 ] || { echo \"no two ranks: $ranks\"; cat out.txt; "
         "kill $mp; exit 1; }\n"
         "stopped=$(echo \"$ranks\" | sed -n " +
         std::to_string(stopped_rank + 1) + "p); waiting=$(echo \"$ranks\" | sed -n " +
         std::to_string(2 - stopped_rank) +
         "p)\n"
         "kill -STOP $stopped; sleep 0.5\n"
         "t0=$(awk '{print $14+$15}' /proc/$waiting/stat); sleep 2; "
         "t1=$(awk '{print $14+$15}' /proc/$waiting/stat)\n"
         // A guard against a hang of the test itself; its output must not hold the pipe open.
         "( sleep 60; kill -CONT $stopped; kill $mp ) > /dev/null 2>&1 & guard=$!\n"
         "wait $mp; echo status=$?; kill $guard 2>/dev/null; kill -CONT $stopped 2>/dev/null\n"
         "echo stopped=$stopped ticks=$((t1 - t0)); cat out.txt";
}

TEST_F(Reliability2Runs, AStalledRankEndsTheJobNamingItWithoutSpinning) {
  ASSERT_TRUE(testing::have_mpirun()) << "no mpirun: scripts/setup.sh installs openmpi-bin";
  for (int stopped : {1, 0}) {
    auto r = script(stall_script(stopped));
    EXPECT_NE(r.output.find("status=76"), std::string::npos) << r.output;
    const size_t at = r.output.find("stopped=");
    ASSERT_NE(at, std::string::npos) << r.output;
    const std::string pid = r.output.substr(at + 8, r.output.find(' ', at) - at - 8);
    const std::string waiting = "rank " + std::to_string(1 - stopped);
    EXPECT_NE(r.output.find("latent: " + waiting), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("waited 4 s for its peers in"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("at step"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("rank " + std::to_string(stopped) + " ("), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("PID " + pid + "): no answer"), std::string::npos) << r.output;
    // A waiting rank sleeps between polls: well under a core (200 ticks in 2 s).
    const int ticks = std::stoi(r.output.substr(r.output.find("ticks=") + 6));
    EXPECT_LT(ticks, 40) << r.output;
  }
}

TEST_F(Reliability2Runs, RoomForCheckpointsIsCheckedBeforeTheFirstStep) {
  std::filesystem::create_directories(path("small"));
  if (::mount("tmpfs", path("small").c_str(), "tmpfs", 0, "size=3m") != 0)
    GTEST_SKIP() << "cannot mount a small tmpfs here (needs root): " << std::strerror(errno);
  struct Unmount {
    std::string at;
    ~Unmount() { ::umount2(at.c_str(), MNT_DETACH); }
  } unmount{path("small").string()};
  // About 19 MB a checkpoint: refused before a step is taken, into a new folder or an old one.
  const std::string big =
      " train --data mnist.h5 --model vae --hidden 1000 --latent 4 --threads 1 --max-steps 3";
  expect_refused(run(big + " --out small/new/run"),
                 {"--out small/new/run", "3 MB free", "about 19 MB", "--space-check warn"});
  EXPECT_FALSE(std::filesystem::exists(path("small/new/run")));
  // A model whose two checkpoints fit trains.
  auto fits = run(" train --data mnist.h5" + std::string(kTiny) + " --max-steps 3 --out small/ok");
  ASSERT_EQ(fits.status, 0) << fits.output;
  // The estimate is an upper bound of what was written.
  EXPECT_LT(std::filesystem::file_size(path("small/ok/checkpoint.h5")), 1u << 20);
  const std::string metrics = read_text(path("small/ok/metrics.jsonl"));
  expect_refused(run(big + " --out small/ok"), {"about 19 MB"});
  EXPECT_EQ(read_text(path("small/ok/metrics.jsonl")), metrics);
}

TEST_F(Reliability2Runs, TemporariesOfDeadRunsAreRemovedAndLiveOnesKept) {
  train_tiny("run");
  const std::string checkpoint = read_text(path("run/checkpoint.h5"));
  const std::string host = this_host_name();
  // Dead writers of this host (new and old names), a live one, and one of another host.
  std::vector<std::string> dead = {".checkpoint.h5.tmp." + host + ".999999",
                                   ".checkpoint.h5.tmp.999998", ".metrics.jsonl.tmp.999997"};
  const std::string live = ".checkpoint.h5.tmp." + host + "." + std::to_string(::getppid());
  const std::string other = ".checkpoint.h5.tmp.elsewhere.999999";
  for (const auto& name : dead) std::ofstream(path("run") / name) << checkpoint;
  std::ofstream(path("run") / live) << checkpoint;
  std::ofstream(path("run") / other) << checkpoint;
  auto r = run(" train --resume run/checkpoint.h5 --max-steps 8 --out run");
  ASSERT_EQ(r.status, 0) << r.output;
  for (const auto& name : dead) {
    EXPECT_FALSE(std::filesystem::exists(path("run") / name)) << name;
    EXPECT_NE(r.output.find("removed run/" + name), std::string::npos) << r.output;
  }
  EXPECT_TRUE(std::filesystem::exists(path("run") / live));
  EXPECT_TRUE(std::filesystem::exists(path("run") / other));
}

TEST_F(Reliability2Runs, MessagesLeadToTheFix) {
  train_tiny("run");
  // Configuration errors name the file and line; unknown options get the nearest one.
  std::ofstream(path("bad.ini")) << "model = vae\n; fine\nlatnet = 4\n";
  expect_refused(run(" train --config bad.ini --data mnist.h5 --out t"),
                 {"bad.ini line 3: unknown option 'latnet'; did you mean --latent?"});
  std::ofstream(path("value.ini")) << "model = vae\n\nlatent = four\n";
  expect_refused(run(" train --config value.ini --data mnist.h5 --out t"),
                 {"value.ini line 3: --latent 'four': expected a number"});
  std::ofstream(path("line.ini")) << "model = vae\nlatent 4\n";
  expect_refused(run(" train --config line.ini --data mnist.h5 --out t"),
                 {"line.ini line 2: 'latent 4' is not `name = value`"});
  // Prefixes are not guessed; misspellings are answered.
  expect_refused(run(" train --data mnist.h5 --laten 4 --out t"),
                 {"unknown option --laten; did you mean --latent?"});
  expect_refused(run(" train --data mnist.h5 --latnet 4 --out t"), {"did you mean --latent?"});
  expect_refused(run(" encode --checkpoint run/checkpoint.h5 --dat mnist.h5 --out z.h5"),
                 {"encode: unknown option --dat; did you mean --data?"});
  EXPECT_FALSE(std::filesystem::exists(path("t")));
  // A held-out split too large for one batch names the option.
  expect_refused(run(" train --data mnist.h5" + std::string(kTiny) + " --val-fraction 0.999"),
                 {"left to train on (of 10000: --val-fraction 0.999 holds out the rest)"});
  // Semicolons (with decimal commas) and tabs separate columns.
  std::ofstream(path("semi.csv")) << "0,5;0,25;1\n0,75;0;2\n";
  auto semi = run(" convert --from csv semi.csv --label-column -1 --out semi.h5");
  ASSERT_EQ(semi.status, 0) << semi.output;
  EXPECT_NE(semi.output.find("columns separated by ';'"), std::string::npos) << semi.output;
  EXPECT_NE(semi.output.find("2 samples of (2) float32, with labels"), std::string::npos);
  std::ofstream(path("tab.csv")) << "0.5\t0.25\n0.75\t0\n";
  EXPECT_EQ(run(" convert --from csv tab.csv --out tab.h5").status, 0);
  expect_refused(run(" convert --from csv semi.csv --delimiter , --out s2.h5"),
                 {"is not a finite number (columns separated by ','"});
  // A PNG strip wider than PNG allows is refused before any decoding.
  auto wide = script(
      "time -p $L interpolate --checkpoint run/checkpoint.h5 --data mnist.h5 "
      "--from 0 --to 1 --steps 100000 --png w.png");
  expect_refused(wide, {"--steps 100000 with --png", "at most 1000000 a side", "33331 steps"});
  EXPECT_FALSE(std::filesystem::exists(path("w.png")));
  // A classifier trained on labels named otherwise is evaluated with the same option.
  auto subset = run(" subset --data mnist.h5 --out named.h5");
  ASSERT_EQ(subset.status, 0) << subset.output;
  ASSERT_EQ(script("h5copy -i named.h5 -s labels -o named.h5 -d targets && "
                   "$L train --data named.h5 --labels-dataset targets --model classifier "
                   "--hidden 32 --latent 4 --threads 1 --max-steps 3 --out judge")
                .status,
            0);
  auto eval =
      run(" eval --checkpoint judge/checkpoint.h5 --data named.h5 --labels-dataset "
          "targets");
  ASSERT_EQ(eval.status, 0) << eval.output;
  EXPECT_TRUE(testing::last_json(eval.output).contains("accuracy")) << eval.output;
  // A chunk damaged on disk: latent's line, not HDF5's error stack from the reading thread.
  ASSERT_EQ(run(" subset --data mnist.h5 --out zeroed.h5").status, 0);
  const auto size = std::filesystem::file_size(path("zeroed.h5"));
  {
    std::fstream f(path("zeroed.h5"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    f << std::string(size / 50, '\0');
  }
  auto damaged = run(" train --data zeroed.h5" + std::string(kTiny) + " --epochs 1 --out d");
  expect_refused(damaged, {"zeroed.h5: cannot read /images rows"});
  EXPECT_EQ(damaged.output.find("HDF5-DIAG"), std::string::npos) << damaged.output;
  // A requested class that no sample has is named.
  auto absent = run(" train --data mnist.h5" + std::string(kTiny) +
                    " --classes 1,42 "
                    "--max-steps 2 --out c");
  ASSERT_EQ(absent.status, 0) << absent.output;
  EXPECT_NE(absent.output.find("warning: --classes: no sample of mnist.h5 has label 42"),
            std::string::npos)
      << absent.output;
}

}  // namespace
}  // namespace latent
