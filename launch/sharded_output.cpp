#include "launch/sharded_output.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "io/atomic_file.hpp"
#include "io/output_path.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

// "<folder>/.<name>.part<r>-of-<n>": hidden, one per rank, on the output's file system.
std::string part_path_for(const std::string& path, int rank, int size) {
  std::filesystem::path p(path);
  std::string name =
      "." + p.filename().string() + ".part" + std::to_string(rank) + "-of-" + std::to_string(size);
  return (p.parent_path() / name).string();
}

// A part record: the global index, the label, then every column's floats.
struct Record {
  uint64_t index = 0;
  int32_t label = 0;
  std::vector<float> values;
};

bool read_record(FILE* f, Record& r) {
  if (std::fread(&r.index, sizeof r.index, 1, f) != 1) return false;
  if (std::fread(&r.label, sizeof r.label, 1, f) != 1 ||
      std::fread(r.values.data(), sizeof(float), r.values.size(), f) != r.values.size())
    throw UserError("a part file of the output ends mid-record (disk full?)");
  return true;
}

}  // namespace

ShardedOutput::ShardedOutput(const std::string& path, std::vector<TableColumn> columns,
                             bool with_labels, Communicator& comm)
    : path_(resolve_output_path(path)),
      columns_(std::move(columns)),
      with_labels_(with_labels),
      comm_(comm) {
  for (const TableColumn& c : columns_) record_floats_ += c.row_floats();
  if (comm_.size() == 1) {
    writer_ = std::make_unique<TableWriter>(path_, columns_, with_labels_);
    return;
  }
  part_path_ = part_path_for(path_, comm_.rank(), comm_.size());
  part_ = std::fopen(part_path_.c_str(), "wb");
  if (part_) register_partial_file(part_path_);
  if (!part_)
    throw UserError(part_path_ + ": cannot create this rank's part of " + path_ + " (" +
                    std::strerror(errno) + "; the folder must exist and be shared by all ranks)");
}

ShardedOutput::~ShardedOutput() {
  if (part_) std::fclose(part_);
  if (!part_path_.empty() && !finished_) discard_file(part_path_);
}

void ShardedOutput::append(uint64_t first_index, int64_t n,
                           const std::vector<const float*>& columns, const int* labels) {
  if (n == 0) return;
  if (rows_ > 0 && first_index < next_index_)
    throw std::logic_error("ShardedOutput::append: indices must increase");
  next_index_ = first_index + static_cast<uint64_t>(n);
  rows_ += n;
  if (writer_) {
    writer_->append(n, columns, labels);
    return;
  }
  std::vector<float> values(record_floats_);
  for (int64_t i = 0; i < n; ++i) {
    uint64_t index = first_index + static_cast<uint64_t>(i);
    int32_t label = with_labels_ ? labels[i] : 0;
    float* v = values.data();
    for (size_t c = 0; c < columns.size(); ++c) {
      int64_t per = columns_[c].row_floats();
      std::memcpy(v, columns[c] + i * per, per * sizeof(float));
      v += per;
    }
    if (std::fwrite(&index, sizeof index, 1, part_) != 1 ||
        std::fwrite(&label, sizeof label, 1, part_) != 1 ||
        std::fwrite(values.data(), sizeof(float), values.size(), part_) != values.size())
      throw UserError(part_path_ + ": write failed (disk full?)");
  }
}

int64_t ShardedOutput::finish() {
  if (writer_) {
    writer_->close();
    finished_ = true;
    return rows_;
  }
  if (std::fclose(part_) != 0) {
    part_ = nullptr;
    throw UserError(part_path_ + ": write failed (disk full?)");
  }
  part_ = nullptr;
  comm_.barrier();  // every part is complete
  if (comm_.rank() == 0) merge_parts();
  comm_.barrier();  // the output exists before any rank goes on
  discard_file(part_path_);
  finished_ = true;
  return rows_;
}

// k-way merge: each part is sorted by index, so the smallest head is the next row.
void ShardedOutput::merge_parts() {
  const int k = comm_.size();
  std::vector<FILE*> parts(k, nullptr);
  std::vector<Record> heads(k);
  std::vector<bool> live(k, false);
  struct Closer {
    std::vector<FILE*>& files;
    ~Closer() {
      for (FILE* f : files)
        if (f) std::fclose(f);
    }
  } closer{parts};
  for (int r = 0; r < k; ++r) {
    std::string p = part_path_for(path_, r, k);
    parts[r] = std::fopen(p.c_str(), "rb");
    if (!parts[r])
      throw UserError(p + ": rank " + std::to_string(r) +
                      "'s part is not visible to rank 0 (is the output folder shared?)");
    heads[r].values.resize(record_floats_);
    live[r] = read_record(parts[r], heads[r]);
  }
  TableWriter writer(path_, columns_, with_labels_);
  std::vector<const float*> cols(columns_.size());
  rows_ = 0;
  for (;;) {
    int best = -1;
    for (int r = 0; r < k; ++r)
      if (live[r] && (best < 0 || heads[r].index < heads[best].index)) best = r;
    if (best < 0) break;
    const float* v = heads[best].values.data();
    for (size_t c = 0; c < columns_.size(); ++c) {
      cols[c] = v;
      v += columns_[c].row_floats();
    }
    int label = heads[best].label;
    writer.append(1, cols, &label);
    ++rows_;
    live[best] = read_record(parts[best], heads[best]);
  }
  writer.close();
}

}  // namespace latent
