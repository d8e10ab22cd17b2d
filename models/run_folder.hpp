#pragma once
// Rank 0's run folder (--out): config.ini, metrics.jsonl, checkpoint.h5 and the epoch grids.
//
// It is taken (an flock on OUT/.lock) only once every input has been checked, and config.ini and
// metrics.jsonl are (re)written only when the run has something to record: a run refused at its
// first batch leaves an earlier run's files as they were. On the other ranks (writer false)
// every call does nothing.
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/metrics_log.hpp"
#include "io/run_folder_lock.hpp"
#include "models/model_checkpoint.hpp"

namespace latent {

class RunFolder {
 public:
  // `appends` continues metrics.jsonl (a resumed run) instead of starting it afresh.
  RunFolder(const std::string& path, bool writer, const std::string& config_text, bool appends);

  bool writer() const { return writer_; }
  const std::filesystem::path& path() const { return path_; }

  // Before the first step: room on the folder's file system for two checkpoints of `model`,
  // since each is written beside the last before it replaces it (less the one already there).
  // Too little is refused naming the sizes, or (refuse false) warned about.
  void check_room_for_checkpoints(Model& model, bool refuse) const;
  // Takes the folder (a second run into it is refused naming the holder) and removes the
  // temporaries that killed runs left there (a SIGKILL during a checkpoint write).
  void claim();

  void write_row(const nlohmann::ordered_json& row);
  void save_checkpoint(Model& model, const TrainingPosition& position, const RunOrigin& origin);
  // NAME_epochE.png comparing the image sets row against row, `columns` images a row, copied
  // to NAME.png (the latest).
  void write_grid(const std::string& name, int64_t epoch, const std::vector<const Tensor*>& sets,
                  int64_t columns = 8);

 private:
  void open_outputs();

  std::filesystem::path path_;
  bool writer_;
  const std::string& config_text_;
  bool appends_;
  std::unique_ptr<RunFolderLock> lock_;
  std::unique_ptr<MetricsLog> log_;  // opened with the run's first output, not before
};

}  // namespace latent
