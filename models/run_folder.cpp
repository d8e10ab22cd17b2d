#include "models/run_folder.hpp"

#include <cstdio>
#include <fstream>

#include "io/comparison_grid.hpp"
#include "io/disk_space.hpp"
#include "io/leftover_temporaries.hpp"
#include "runtime/build_info.hpp"
#include "runtime/error.hpp"

namespace latent {

RunFolder::RunFolder(const std::string& path, bool writer, const std::string& config_text,
                     bool appends)
    : path_(path), writer_(writer), config_text_(config_text), appends_(appends) {}

void RunFolder::check_room_for_checkpoints(Model& model, bool refuse) const {
  if (!writer_) return;
  const std::string path = (path_ / "checkpoint.h5").string();
  const int64_t free = free_bytes_for(path);
  if (free < 0) return;  // unknown: the write itself reports a full disk by name
  const int64_t need = checkpoint_bytes_estimate(model, config_text_);
  std::error_code ec;
  const auto existing = std::filesystem::file_size(path, ec);
  const int64_t want = 2 * need - (ec ? 0 : std::min<int64_t>(need, existing));
  if (free >= want) return;
  auto mb = [](int64_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MB"; };
  const std::string message = "--out " + path_.string() + ": " + mb(free) +
                              " free where checkpoints go, but a checkpoint of this model takes "
                              "about " +
                              mb(need) + " and " + mb(want) +
                              " must be free to write the next beside the last";
  if (refuse)
    throw UserError(message +
                    "; free some space, choose another --out, or train anyway with "
                    "--space-check warn");
  std::fprintf(stderr, "latent: warning: %s (--space-check warn: training anyway)\n",
               message.c_str());
}

void RunFolder::claim() {
  if (!writer_) return;
  lock_ = std::make_unique<RunFolderLock>(path_.string());
  // The lock says no other run writes here: a temporary of a dead process is no one's.
  for (const std::string& name : remove_dead_temporaries(path_.string()))
    std::fprintf(stderr, "latent: note: removed %s/%s, left by a process that no longer runs\n",
                 path_.string().c_str(), name.c_str());
}

void RunFolder::open_outputs() {
  if (!writer_ || log_) return;
  // The build that ran it, as a comment (the checkpoint's /meta config stays the bare text).
  std::ofstream(path_ / "config.ini") << "# " << version_line() << "\n" << config_text_;
  log_ = std::make_unique<MetricsLog>((path_ / "metrics.jsonl").string(), !appends_);
}

void RunFolder::write_row(const nlohmann::ordered_json& row) {
  if (!writer_) return;
  open_outputs();
  log_->write(row);
}

void RunFolder::save_checkpoint(Model& model, const TrainingPosition& position,
                                const RunOrigin& origin) {
  if (!writer_) return;
  open_outputs();
  latent::save_checkpoint(model, (path_ / "checkpoint.h5").string(), config_text_, position,
                          origin);
}

void RunFolder::write_grid(const std::string& name, int64_t epoch,
                           const std::vector<const Tensor*>& sets, int64_t columns) {
  if (!writer_) return;
  open_outputs();
  // Each grid is encoded once: the epoch's file, copied to the latest one's name.
  const std::filesystem::path epoch_file =
      path_ / (name + "_epoch" + std::to_string(epoch + 1) + ".png");
  write_comparison_grid(epoch_file.string(), sets, sets.front()->dim(0), columns);
  std::filesystem::copy_file(epoch_file, path_ / (name + ".png"),
                             std::filesystem::copy_options::overwrite_existing);
}

}  // namespace latent
