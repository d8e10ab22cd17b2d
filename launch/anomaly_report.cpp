#include "launch/anomaly_report.hpp"

#include <set>
#include <sstream>

#include "io/checkpoint_reader.hpp"
#include "models/anomaly_metrics.hpp"
#include "runtime/error.hpp"

namespace latent {

std::vector<int> parse_normal_classes(const std::string& text) {
  std::vector<int> classes;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    try {
      size_t used = 0;
      classes.push_back(std::stoi(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw UserError("anomaly: --normal-classes must be integers like 0,1; got '" + text + "'");
    }
  }
  if (classes.empty()) throw UserError("anomaly: --normal-classes is empty");
  return classes;
}

nlohmann::ordered_json separation(const std::string& out, const std::vector<int>& normal,
                                  double fpr) {
  CheckpointReader file(out);
  Tensor scores = file.read_tensor("/score");
  std::vector<int64_t> labels = file.read_ints("/labels");
  std::set<int> normal_set(normal.begin(), normal.end());
  std::vector<double> s(scores.data(), scores.data() + scores.numel());
  std::vector<bool> anomalous(labels.size());
  int64_t anomalies = 0;
  for (size_t i = 0; i < labels.size(); ++i)
    anomalies += anomalous[i] = !normal_set.count(static_cast<int>(labels[i]));
  Threshold t = threshold_at_fpr(s, anomalous, fpr);
  return {{"normal", static_cast<int64_t>(labels.size()) - anomalies},
          {"anomalies", anomalies},
          {"auroc", auroc(s, anomalous)},
          {"average_precision", average_precision(s, anomalous)},
          {"fpr_target", fpr},
          {"threshold", t.value},
          {"fpr", t.fpr},
          {"tpr", t.tpr}};
}

}  // namespace latent
