#pragma once
// One output file from every rank's shard, rows in global sample order.
//
// On one process rows go straight into the file. Under MPI each rank appends its rows, tagged
// with their global sample indices, to a part file beside the output (so the output's folder
// must be visible to all ranks, as a cluster file system is); finish() waits for every rank,
// then rank 0 merges the parts by index into the output and removes them. Streaming on both
// sides: memory stays one row per rank, whatever the file size.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "io/table_writer.hpp"
#include "runtime/communicator.hpp"

namespace latent {

class ShardedOutput {
 public:
  // Collective (every rank constructs it).
  ShardedOutput(const std::string& path, std::vector<TableColumn> columns, bool with_labels,
                Communicator& comm);
  ~ShardedOutput();  // removes this rank's part file and abandons the output unless finished
  ShardedOutput(const ShardedOutput&) = delete;
  ShardedOutput& operator=(const ShardedOutput&) = delete;

  // This rank's rows first_index .. first_index + n - 1 (increasing over calls); columns[c]
  // holds n rows of columns[c].row_floats() values; labels n labels when the output has them.
  void append(uint64_t first_index, int64_t n, const std::vector<const float*>& columns,
              const int* labels);
  // Collective: the output file is complete on return. Returns the rows the output holds on
  // rank 0 (this rank's rows elsewhere).
  int64_t finish();

 private:
  void merge_parts();

  std::string path_, part_path_;
  std::vector<TableColumn> columns_;
  bool with_labels_;
  Communicator& comm_;
  std::unique_ptr<TableWriter> writer_;  // one process: the output itself
  FILE* part_ = nullptr;                 // several ranks: this rank's part
  int64_t record_floats_ = 0, rows_ = 0;
  uint64_t next_index_ = 0;
  bool finished_ = false;
};

}  // namespace latent
