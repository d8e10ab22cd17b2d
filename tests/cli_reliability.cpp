// Issue 12: what a hostile but realistic user meets. Nothing lost (outputs never replace an
// input, a device or a link; a run folder belongs to one run; a full disk keeps the previous
// checkpoint), nothing hangs (counts bounded by what makes sense), nothing silently wrong
// (options, data range, checkpoints validated), and a signal stops training with a checkpoint.
#include <sys/mount.h>
#include <sys/stat.h>

#include <fstream>

#include "cli_reliability_util.hpp"
#include "io/checkpoint_writer.hpp"

namespace latent {
namespace {

using testing::CliTest;
using testing::last_json;
using testing::read_text;

using testing::expect_refused;
using testing::kTiny;
using testing::signal_when_training;

class Reliability : public testing::ReliabilityTest {};

// --- nothing lost

TEST_F(Reliability, OutputsNeverReplaceADeviceOrAnInputOfTheCommand) {
  train_tiny("run");
  std::string checkpoint = read_text(path("run/checkpoint.h5"));
  expect_refused(run(" encode --checkpoint run/checkpoint.h5 --data mnist.h5 --out /dev/null"),
                 {"/dev/null", "device"});
  struct stat st;
  ASSERT_EQ(::stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "/dev/null is no longer a device";
  expect_refused(
      run(" encode --checkpoint run/checkpoint.h5 --data mnist.h5 --out run/checkpoint.h5"),
      {"run/checkpoint.h5", "input"});
  EXPECT_EQ(read_text(path("run/checkpoint.h5")), checkpoint);
  std::string data = read_text(path("mnist.h5"));
  expect_refused(run(" reconstruct --checkpoint run/checkpoint.h5 --data mnist.h5 --out mnist.h5"),
                 {"mnist.h5", "input"});
  EXPECT_EQ(read_text(path("mnist.h5")), data);
  expect_refused(run(" encode --checkpoint run/checkpoint.h5 --data mnist.h5 --out run"),
                 {"run", "folder"});
  // Through a link to the input, too.
  std::filesystem::create_symlink("mnist.h5", path("alias.h5"));
  expect_refused(run(" reconstruct --checkpoint run/checkpoint.h5 --data mnist.h5 --out alias.h5"),
                 {"alias.h5", "input"});
  EXPECT_EQ(partial_files(), 0);
}

TEST_F(Reliability, ASymlinkOutputIsWrittenThrough) {
  train_tiny("run");
  std::filesystem::create_directories(path("store"));
  std::filesystem::create_symlink("store/codes.h5", path("codes.h5"));  // dangling until written
  auto r = run(" encode --checkpoint run/checkpoint.h5 --data mnist.h5 --out codes.h5");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(std::filesystem::is_symlink(path("codes.h5")));
  EXPECT_TRUE(std::filesystem::is_regular_file(path("store/codes.h5")));
}

TEST_F(Reliability, ASignalLeavesNoPartialFiles) {
  train_tiny("run");
  // SIGTERM and SIGINT two seconds into writing a large file.
  for (const char* sig : {"TERM", "INT"}) {
    auto r = script(std::string("timeout -s ") + sig +
                    " 2 $L generate --checkpoint run/checkpoint.h5 --n 5000000 --out big.h5");
    EXPECT_NE(r.status, 0) << r.output;
    // A long command reports progress from its first second.
    EXPECT_NE(r.output.find("generate: "), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(path("big.h5")));
    EXPECT_EQ(partial_files(), 0) << sig;
  }
}

TEST_F(Reliability, ARunFolderBelongsToOneRun) {
  // The first run stops itself (SIGUSR1 after 4 s); the second starts meanwhile.
  auto r = script("timeout -s USR1 4 $L train --data mnist.h5" + std::string(kTiny) +
                  " --epochs 1000 --out run > first.txt 2>&1 &\n"
                  "sleep 1.5\n"
                  "$L train --data mnist.h5" +
                  kTiny +
                  " --epochs 1 --out run; echo second=$?\n"
                  "wait; cat first.txt");
  EXPECT_NE(r.output.find("in use by another run (process"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("second=1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("stopped by SIGUSR1"), std::string::npos) << r.output;
  // The first run's rows are all whole JSON lines.
  std::istringstream log(read_text(path("run/metrics.jsonl")));
  std::string line;
  int rows = 0;
  while (std::getline(log, line)) {
    EXPECT_NO_THROW(nlohmann::json::parse(line)) << line;
    ++rows;
  }
  EXPECT_GT(rows, 0);
}

TEST_F(Reliability, ARunRefusedAtItsFirstBatchLeavesTheFolderAsItWas) {
  train_tiny("run");
  std::string config = read_text(path("run/config.ini")),
              metrics = read_text(path("run/metrics.jsonl")),
              checkpoint = read_text(path("run/checkpoint.h5"));
  std::ofstream csv(path("bytes.csv"));
  for (int i = 0; i < 300; ++i) {
    for (int j = 0; j < 16; ++j) csv << (j ? "," : "") << (i * 7 + j) % 256;
    csv << "\n";
  }
  csv.close();
  ASSERT_EQ(run(" convert --from csv bytes.csv --out bytes.h5").status, 0);
  expect_refused(run(" train --data bytes.h5" + std::string(kTiny) + " --batch 32 --out run"),
                 {"bytes.h5", "[0, 1]", "--scale 1/255", "--recon mse"});
  EXPECT_EQ(read_text(path("run/config.ini")), config);
  EXPECT_EQ(read_text(path("run/metrics.jsonl")), metrics);
  EXPECT_EQ(read_text(path("run/checkpoint.h5")), checkpoint);
  // The two ways out that the message names both train.
  ASSERT_EQ(run(" convert --from csv bytes.csv --scale 1/255 --out scaled.h5").status, 0);
  auto scaled = run(" train --data scaled.h5" + std::string(kTiny) + " --batch 32 --epochs 2 " +
                    "--out scaled");
  EXPECT_EQ(scaled.status, 0) << scaled.output;
  auto mse = run(" train --data bytes.h5" + std::string(kTiny) +
                 " --recon mse --batch 32 --max-steps 5 --out mse");
  EXPECT_EQ(mse.status, 0) << mse.output;
}

TEST_F(Reliability, AFullDiskKeepsThePreviousCheckpointAndSaysSo) {
  std::filesystem::create_directories(path("small"));
  if (::mount("tmpfs", path("small").c_str(), "tmpfs", 0, "size=600k") != 0)
    GTEST_SKIP() << "cannot mount a small tmpfs here (needs root): " << std::strerror(errno);
  struct Unmount {
    std::string at;
    ~Unmount() { ::umount2(at.c_str(), MNT_DETACH); }
  } unmount{path("small").string()};
  // One checkpoint of this model fits; a second one (its temporary beside it) does not. The
  // check before the first step says so (--space-check warn trains anyway, to reach the write).
  const std::string args =
      " train --data mnist.h5 --model ae --hidden 16 --latent 4 --threads 1 "
      "--max-steps 3 --out small/run --space-check warn";
  auto first = run(args);
  ASSERT_EQ(first.status, 0) << first.output;
  EXPECT_NE(first.output.find("warning: --out small/run"), std::string::npos) << first.output;
  std::string before = read_text(path("small/run/checkpoint.h5"));
  auto full = run(args + " --seed 2");
  expect_refused(full, {"no space left on", "small", "checkpoint.h5"});
  EXPECT_EQ(full.output.find("HDF5"), std::string::npos) << full.output;
  EXPECT_EQ(read_text(path("small/run/checkpoint.h5")), before);
  EXPECT_EQ(partial_files(), 0);
}

// --- nothing hangs

TEST_F(Reliability, CountsAreBoundedByWhatMakesSense) {
  train_tiny("run");
  expect_refused(run(" train --data mnist.h5 --model gan --hidden 32 --latent 4 --threads 1 "
                     "--g-steps 1000000 --out g"),
                 {"--g-steps 1000000", "1 to 100"});
  expect_refused(run(" train --data mnist.h5 --model vae --hidden 32 --latent 4 --threads 100000"),
                 {"--threads 100000"});
  expect_refused(run(" train --data mnist.h5 --model vae --latent 4 --threads 1 --hidden "
                     "2000000000 --out h"),
                 {"--hidden 2000000000", "GB of memory"});
  expect_refused(run(" generate --checkpoint run/checkpoint.h5 --n 100000000000 --out g.h5"),
                 {"--n 100000000000", "at most"});
  expect_refused(run(" generate --checkpoint run/checkpoint.h5 --n 2000000000 --out g.h5"),
                 {"GB free", "at most"});
  EXPECT_FALSE(std::filesystem::exists(path("g.h5")));
}

// What no check foresaw and still does not fit: one line naming the options that size it.
TEST_F(Reliability, RunningOutOfMemorySaysWhatToLower) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan reserves more address space than the ulimit -v this test sets";
#endif
  auto r = script(
      "ulimit -v 1500000; $L train --data mnist.h5 --model ae --hidden 60000 --latent 4 "
      "--threads 1 --max-steps 1 --out big");
  expect_refused(r, {"out of memory in `latent train`", "--batch", "--hidden"});
  EXPECT_EQ(r.output.find("std::bad_alloc"), std::string::npos) << r.output;
}

// --- nothing silently wrong

TEST_F(Reliability, OptionsOutOfRangeAreRefusedByName) {
  std::filesystem::create_directories(path("folder"));
  for (const char* bad : {"--weight-decay -1", "--adam-beta1 2", "--adam-beta2 1.5", "--momentum 1",
                          "--threads -2", "--config folder"}) {
    std::string name = std::string(bad).substr(0, std::string(bad).find(' '));
    expect_refused(run(" train --data mnist.h5 --model vae --hidden 32 --latent 4 --max-steps 1 " +
                       std::string(bad) + " --out o"),
                   {name.c_str()});
  }
  EXPECT_FALSE(std::filesystem::exists(path("o")));
}

// Found by fuzz/fuzz_ini: an option name holding one of Boost's message placeholders made its
// error formatting loop forever.
TEST_F(Reliability, AConfigLineHoldingAPlaceholderIsRefusedNotHung) {
  std::ofstream(path("bad.ini")) << "model = vae\noption '%canonical_option%'el-smoothing = 0\n";
  auto r = script("timeout 30 $L train --data mnist.h5 --config bad.ini --out o");
  expect_refused(r, {"bad.ini line 2", "not an option name"});
}

// The same in a checkpoint's stored config, which every application command parses (found by
// fuzz/fuzz_ini through model_config_from_text).
TEST_F(Reliability, ACheckpointConfigHoldingAPlaceholderIsRefusedNotHung) {
  {
    CheckpointWriter w(path("bad.h5").string());
    w.set_meta("model", "vae");
    w.set_meta("config", "model = vae\noption '%canonical_option%'el-smoothing = 0\n");
    w.commit();
  }
  auto r = script("timeout 30 $L generate --checkpoint bad.h5 --n 4 --out g.h5");
  expect_refused(r, {"bad.h5", "line 2", "not an option name"});
  EXPECT_FALSE(std::filesystem::exists(path("g.h5")));
}

TEST_F(Reliability, FlatDataTrainsWithoutGrids) {
  std::ofstream csv(path("flat.csv"));
  for (int i = 0; i < 600; ++i) {
    for (int j = 0; j < 10; ++j) csv << (j ? "," : "") << ((i * 13 + j * 7) % 100) / 100.0;
    csv << "\n";
  }
  csv.close();
  ASSERT_EQ(run(" convert --from csv flat.csv --out flat.h5").status, 0);
  auto r = run(" train --data flat.h5" + std::string(kTiny) + " --batch 32 --epochs 2 --out run");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("not images; no PNG grids"), std::string::npos) << r.output;
  for (auto& e : std::filesystem::directory_iterator(path("run")))
    EXPECT_NE(e.path().extension(), ".png") << e.path();
  // And validation data of another shape is refused before any training.
  auto v = run(" train --data mnist.h5" + std::string(kTiny) + " --val-data flat.h5 --out v");
  expect_refused(v, {"flat.h5", "validation", "(10)"});
  EXPECT_FALSE(std::filesystem::exists(path("v/metrics.jsonl")));
}

TEST_F(Reliability, EvalTakesASmallLastBatch) {
  train_tiny("run");
  // 100 samples, the default batch of 256.
  std::ofstream csv(path("hundred.csv"));
  for (int i = 0; i < 100; ++i) {
    for (int j = 0; j < 784; ++j) csv << (j ? "," : "") << ((i + j) % 10) / 10.0;
    csv << "\n";
  }
  csv.close();
  ASSERT_EQ(run(" convert --from csv hundred.csv --shape 1,28,28 --out hundred.h5").status, 0);
  auto r = run(" eval --checkpoint run/checkpoint.h5 --data hundred.h5");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(last_json(r.output)["samples"], 100);
}

// --- preemption

TEST_F(Reliability, SigusrOrSigtermCheckpointsAndResumeContinuesExactly) {
  const std::string args =
      " train --data mnist.h5 --model vae --hidden 256 --latent 8 "
      "--threads 1 --epochs 15 --seed 5";
  for (const char* sig : {"USR1", "TERM"}) {
    std::string out = std::string("stopped_") + sig;
    auto r = script(signal_when_training("$L" + args + " --out " + out, out, sig));
    ASSERT_NE(r.output.find("status=75"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(std::string("stopped by SIG") + sig), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("resume with: latent train --resume " + out + "/checkpoint.h5"),
              std::string::npos)
        << r.output;
    auto resumed = run(" train --resume " + out + "/checkpoint.h5 --threads 1");
    ASSERT_EQ(resumed.status, 0) << resumed.output;
  }
  auto whole = run(args + " --out whole");
  ASSERT_EQ(whole.status, 0) << whole.output;
  auto eval = [&](const std::string& run_folder) {
    auto r = run(" eval --checkpoint " + run_folder + "/checkpoint.h5 --data mnist.h5");
    EXPECT_EQ(r.status, 0) << r.output;
    return last_json(r.output).dump();
  };
  const std::string expected = eval("whole");
  EXPECT_EQ(eval("stopped_USR1"), expected);
  EXPECT_EQ(eval("stopped_TERM"), expected);
}

// Under mpirun the signal reaches every rank (mpirun forwards SIGUSR1); they stop at the same
// step, write one checkpoint, and the run resumes on another number of ranks.
TEST_F(Reliability, AllRanksStopTogetherOnSigusr1) {
  ASSERT_TRUE(testing::have_mpirun()) << "no mpirun: scripts/setup.sh installs openmpi-bin";
  // Epochs without end: only the signal stops it, however fast the machine.
  auto r = script(signal_when_training(std::string("env ") + testing::kMpirun2 +
                                           " $L train --data mnist.h5 --model vae --hidden 256 "
                                           "--latent 8 --threads 1 --epochs 100000 --out run",
                                       "run", "USR1"));
  EXPECT_NE(r.output.find("status=75"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("stopped by SIGUSR1"), std::string::npos) << r.output;
  auto resumed = run(" train --resume run/checkpoint.h5 --threads 1 --max-steps 600");
  EXPECT_EQ(resumed.status, 0) << resumed.output;
}

}  // namespace
}  // namespace latent
