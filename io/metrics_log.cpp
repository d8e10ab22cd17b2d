#include "io/metrics_log.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/error.hpp"

namespace latent {

MetricsLog::MetricsLog(const std::string& path, bool truncate) : path_(path) {
  file_ = std::fopen(path.c_str(), truncate ? "w" : "a");
  if (!file_)
    throw UserError(path + ": cannot open the metrics log for writing: " + std::strerror(errno));
}

MetricsLog::~MetricsLog() {
  if (file_) std::fclose(file_);
}

void MetricsLog::write(const nlohmann::ordered_json& record) {
  if (!record.is_object()) throw std::invalid_argument("MetricsLog::write: not a JSON object");
  // One write of the whole line, so concurrent readers never see half a record.
  std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0)
    throw UserError(path_ + ": writing the metrics log failed: " + std::strerror(errno));
}

}  // namespace latent
