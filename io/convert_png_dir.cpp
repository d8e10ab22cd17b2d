// A folder of PNGs (optionally one sub-folder per label) → HDF5.
#include <algorithm>
#include <filesystem>

#include "io/converters.hpp"
#include "io/dataset_writer.hpp"
#include "io/png_file.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

namespace fs = std::filesystem;

bool is_png(const fs::directory_entry& e) {
  if (!e.is_regular_file()) return false;
  std::string ext = e.path().extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".png";
}

std::vector<std::string> pngs_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (is_png(e)) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

bool is_integer(const std::string& s) {
  return !s.empty() && s.size() < 9 && std::all_of(s.begin(), s.end(), ::isdigit);
}

}  // namespace

ConvertSummary convert_png_dir(const std::string& dir, const std::string& out,
                               const StorageOptions& storage) {
  if (!fs::is_directory(dir)) throw UserError(dir + ": no such folder (expected PNG images)");
  std::vector<std::string> top = pngs_in(dir);
  std::vector<std::string> classes;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory()) classes.push_back(e.path().filename().string());
  const bool labelled = top.empty() && !classes.empty();
  if (!top.empty() && !classes.empty())
    throw UserError(dir +
                    ": holds both PNG files and sub-folders; expected PNGs only, or one "
                    "sub-folder of PNGs per label");

  // (file, label) in the order they are stored.
  std::vector<std::pair<std::string, int>> items;
  ConvertSummary summary;
  if (labelled) {
    const bool numeric = std::all_of(classes.begin(), classes.end(), is_integer);
    std::sort(classes.begin(), classes.end(), [&](const std::string& a, const std::string& b) {
      return numeric ? std::stoi(a) < std::stoi(b) : a < b;
    });
    for (size_t c = 0; c < classes.size(); ++c) {
      const int label = numeric ? std::stoi(classes[c]) : static_cast<int>(c);
      for (const std::string& f : pngs_in(fs::path(dir) / classes[c])) items.emplace_back(f, label);
    }
    if (!numeric) summary.label_names = classes;
  } else {
    for (const std::string& f : top) items.emplace_back(f, 0);
  }
  if (items.empty()) throw UserError(dir + ": no PNG files found");

  PngImage first = read_png(items[0].first);
  summary.sample_shape = Shape{first.channels, first.height, first.width};
  summary.type = "uint8";
  summary.labels = labelled;
  DatasetWriter writer(out, summary.sample_shape, SampleType::kUint8, labelled, dir, storage);
  if (!summary.label_names.empty()) writer.set_label_names(summary.label_names);
  std::vector<uint8_t> planar(first.pixels.size());
  for (const auto& [file, label] : items) {
    PngImage img = file == items[0].first ? std::move(first) : read_png(file);
    if (img.width != summary.sample_shape[2] || img.height != summary.sample_shape[1])
      throw UserError(file + ": " + std::to_string(img.width) + "x" + std::to_string(img.height) +
                      " pixels; expected " + std::to_string(summary.sample_shape[2]) + "x" +
                      std::to_string(summary.sample_shape[1]) + " like " + items[0].first);
    if (img.channels != summary.sample_shape[0])
      throw UserError(file + ": " + (img.channels == 1 ? "grey" : "colour") + " image; " +
                      items[0].first + " is " + (img.channels == 1 ? "colour" : "grey") +
                      " and all must match");
    // Interleaved (H, W, C) → planar (C, H, W).
    const int64_t hw = img.width * img.height, c = img.channels;
    for (int64_t p = 0; p < hw; ++p)
      for (int64_t k = 0; k < c; ++k) planar[k * hw + p] = img.pixels[p * c + k];
    writer.append(planar.data(), 1, &label);
  }
  summary.samples = writer.rows();
  summary.type = writer.stored_type();
  writer.close();
  return summary;
}

}  // namespace latent
