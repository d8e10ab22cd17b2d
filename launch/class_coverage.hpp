#pragma once
// How evenly a generator covers the classes, as its judge classifies its samples: the numbers
// `latent score` prints and its bar chart.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace latent {

// {"classes", "classes_present", "class_evenness" (the histogram's entropy over log classes: 1
// when every class is equally frequent), "class_histogram"} of `counts` (one per class) of `n`
// samples.
nlohmann::ordered_json class_coverage(const std::vector<double>& counts, int64_t n);

// Bars of the generated samples' classes (gnuplot).
void draw_class_histogram(const std::string& png, const std::vector<double>& counts);

}  // namespace latent
