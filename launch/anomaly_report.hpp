#pragma once
// How well an anomaly score separates normal data from the rest: the figures `latent anomaly`
// prints with --normal-classes.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace latent {

// "0,1" -> {0, 1}; UserError naming --normal-classes otherwise.
std::vector<int> parse_normal_classes(const std::string& text);

// From the finished output file (/score, /labels; rank 0): normal and anomaly counts, AUROC,
// average precision, and the threshold whose false-positive rate is within `fpr`.
nlohmann::ordered_json separation(const std::string& out, const std::vector<int>& normal,
                                  double fpr);

}  // namespace latent
