#include "io/label_range.hpp"

#include <algorithm>
#include <vector>

#include "io/dataset_file.hpp"
#include "runtime/error.hpp"

namespace latent {

int count_label_classes(const DatasetSpec& spec) {
  DatasetSpec all = spec;
  all.classes.clear();
  all.part = DatasetSpec::Part::kAll;
  DatasetFile file(all);
  if (!file.has_labels())
    throw UserError(spec.path + ": no /" + spec.labels_name +
                    " dataset; the model trains on labels, and --num-classes auto counts their "
                    "classes (--labels-dataset names them)");
  constexpr int64_t kPiece = 1 << 20;
  std::vector<int> labels;
  int largest = -1;
  for (int64_t begin = 0; begin < file.rows(); begin += kPiece) {
    const int64_t end = std::min(file.rows(), begin + kPiece);
    labels.resize(end - begin);
    file.read_labels(begin, end, labels.data());
    for (size_t i = 0; i < labels.size(); ++i) {
      if (labels[i] < 0)
        throw UserError(spec.path + ": /" + spec.labels_name + " row " +
                        std::to_string(begin + static_cast<int64_t>(i)) + " holds label " +
                        std::to_string(labels[i]) + "; expected class indices 0, 1, 2, ...");
      if (labels[i] >= kMaxClasses)
        throw UserError(spec.path + ": /" + spec.labels_name + " row " +
                        std::to_string(begin + static_cast<int64_t>(i)) + " holds label " +
                        std::to_string(labels[i]) + "; --num-classes auto takes at most " +
                        std::to_string(kMaxClasses) + " classes (labels 0 to " +
                        std::to_string(kMaxClasses - 1) +
                        "): fix the label, or train on the rest with --classes");
      largest = std::max(largest, labels[i]);
    }
  }
  return largest + 1;
}

}  // namespace latent
