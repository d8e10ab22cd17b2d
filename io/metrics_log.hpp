#pragma once
// metrics.jsonl: one JSON object per line, appended and flushed line by line, so a crashed or
// running job's log is always readable up to its last complete line.
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace latent {

class MetricsLog {
 public:
  // Opens `path` for appending (creating it); truncate = true starts it afresh.
  explicit MetricsLog(const std::string& path, bool truncate = false);
  ~MetricsLog();
  MetricsLog(const MetricsLog&) = delete;
  MetricsLog& operator=(const MetricsLog&) = delete;

  // Keys keep their insertion order; NaN/Inf become null (JSON has neither).
  void write(const nlohmann::ordered_json& record);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  FILE* file_ = nullptr;
};

}  // namespace latent
