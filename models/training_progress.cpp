#include "models/training_progress.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace latent {
namespace {

std::string format_eta(double seconds) {
  int s = static_cast<int>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

}  // namespace

void print_progress(const ProgressState& s, const Metrics& m, bool bar) {
  std::string loss;
  for (auto& [k, v] : m.items())
    if (k == "loss" || k == "loss_d" || k == "loss_g")
      loss += " " + k + " " + std::to_string(v.value());
  if (bar) {
    const int width = 30;
    const int filled =
        static_cast<int>(width * s.step_in_epoch / std::max<int64_t>(1, s.steps_per_epoch));
    std::printf("\repoch %lld [%s%s] %lld/%lld %.0f samples/s ETA %s%s   ",
                static_cast<long long>(s.epoch + 1), std::string(filled, '#').c_str(),
                std::string(width - filled, ' ').c_str(), static_cast<long long>(s.step_in_epoch),
                static_cast<long long>(s.steps_per_epoch), s.samples_per_s,
                format_eta(s.eta_s).c_str(), loss.c_str());
  } else {
    std::printf("step %lld/%lld epoch %lld %.0f samples/s ETA %s%s\n",
                static_cast<long long>(s.step), static_cast<long long>(s.total_steps),
                static_cast<long long>(s.epoch + 1), s.samples_per_s, format_eta(s.eta_s).c_str(),
                loss.c_str());
  }
  std::fflush(stdout);
}

}  // namespace latent
