// A folder of PNG and JPEG images (optionally one sub-folder per label) → HDF5, in two passes:
// the headers of every file (sizes, channels, alpha, damage) decide the dataset's shape before
// anything is written; then each image is decoded, fitted and appended, one at a time, so a
// folder of any size converts in the memory of one image and one chunk.
#include <algorithm>
#include <filesystem>

#include "io/converters.hpp"
#include "io/dataset_writer.hpp"
#include "io/image_file.hpp"
#include "io/image_resize.hpp"
#include "runtime/error.hpp"

namespace latent {
namespace {

namespace fs = std::filesystem;

bool is_hidden(const fs::path& p) {
  return p.filename().string().rfind('.', 0) == 0;
}

bool has_image_name(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg";
}

struct Listing {
  std::vector<std::string> images;   // sorted
  std::vector<std::string> folders;  // names
  int64_t ignored = 0;               // other files
};

Listing list_folder(const fs::path& dir) {
  Listing l;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (is_hidden(e.path())) continue;
    if (e.is_directory())
      l.folders.push_back(e.path().filename().string());
    else if (has_image_name(e.path()))
      l.images.push_back(e.path().string());
    else
      ++l.ignored;
  }
  std::sort(l.images.begin(), l.images.end());
  return l;
}

bool is_integer(const std::string& s) {
  return !s.empty() && s.size() < 9 && std::all_of(s.begin(), s.end(), ::isdigit);
}

std::string size_text(int64_t width, int64_t height) {
  return std::to_string(width) + "x" + std::to_string(height);
}

struct Item {
  std::string file;
  int label = 0;
  ImageHeader header;
};

// Reports a skipped file, or throws when skipping was not asked for.
class BadFiles {
 public:
  explicit BadFiles(const ImageDirOptions& o) : options_(o) {}
  void handle(const UserError& e) {
    if (!options_.skip_bad)
      throw UserError(std::string(e.what()) + " (--skip-bad skips unreadable files)");
    ++count_;
    if (options_.note) options_.note(std::string("skipped ") + e.what());
  }
  int64_t count() const { return count_; }

 private:
  const ImageDirOptions& options_;
  int64_t count_ = 0;
};

}  // namespace

ConvertSummary convert_image_dir(const std::string& dir, const std::string& out,
                                 const ImageDirOptions& options, const StorageOptions& storage) {
  if (!fs::is_directory(dir))
    throw UserError(dir + ": no such folder (expected PNG or JPEG images)");
  if ((options.height > 0) != (options.width > 0) || options.height < 0 || options.width < 0)
    throw std::invalid_argument("convert_image_dir: size needs both sides");
  if (options.channels != 0 && options.channels != 1 && options.channels != 3)
    throw UserError("convert: --channels " + std::to_string(options.channels) +
                    ": expected 1 or 3");
  auto note = [&](const std::string& text) {
    if (options.note) options.note(text);
  };
  auto progress = [&](const char* phase, int64_t done, int64_t total) {
    if (options.progress) options.progress(phase, done, total);
  };

  Listing top = list_folder(dir);
  const bool labelled = top.images.empty() && !top.folders.empty();
  if (!top.images.empty() && !top.folders.empty())
    throw UserError(dir + ": holds both images (" + top.images.front() + ") and sub-folders (" +
                    top.folders.front() +
                    "); expected images only, or one sub-folder of images per label");

  // (file, label) in the order they are stored.
  std::vector<Item> items;
  ConvertSummary summary;
  int64_t ignored = top.ignored;
  if (labelled) {
    std::vector<std::string>& classes = top.folders;
    const bool numeric = std::all_of(classes.begin(), classes.end(), is_integer);
    std::sort(classes.begin(), classes.end(), [&](const std::string& a, const std::string& b) {
      return numeric ? std::stoi(a) < std::stoi(b) : a < b;
    });
    for (size_t c = 0; c < classes.size(); ++c) {
      const int label = numeric ? std::stoi(classes[c]) : static_cast<int>(c);
      Listing inner = list_folder(fs::path(dir) / classes[c]);
      ignored += inner.ignored + static_cast<int64_t>(inner.folders.size());
      if (inner.images.empty()) note("class folder " + classes[c] + " holds no images");
      for (std::string& f : inner.images) items.push_back(Item{std::move(f), label, {}});
    }
    if (!numeric) summary.label_names = classes;
  } else {
    for (std::string& f : top.images) items.push_back(Item{std::move(f), 0, {}});
  }
  if (ignored > 0)
    note("ignored " + std::to_string(ignored) + " entries that are not .png, .jpg or .jpeg files" +
         (labelled ? " (class folders are read one level deep)" : ""));
  if (items.empty()) throw UserError(dir + ": no PNG or JPEG files found");

  // Pass 1: headers. The shape is decided here, and damaged headers found before writing.
  BadFiles bad(options);
  std::vector<Item> readable;
  readable.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    try {
      items[i].header = read_image_header(items[i].file);
      readable.push_back(std::move(items[i]));
    } catch (const UserError& e) {
      bad.handle(e);
    }
    progress("reading headers", static_cast<int64_t>(i + 1), static_cast<int64_t>(items.size()));
  }
  items = std::move(readable);
  if (items.empty()) throw UserError(dir + ": no readable PNG or JPEG files");

  int64_t height = options.height, width = options.width;
  if (height == 0) {
    height = items[0].header.height;
    width = items[0].header.width;
    for (const Item& it : items)
      if (it.header.height != height || it.header.width != width)
        throw UserError(items[0].file + " is " + size_text(width, height) + " pixels but " +
                        it.file + " is " + size_text(it.header.width, it.header.height) +
                        ": images of mixed sizes (--size HxW crops each to that shape's "
                        "aspect and resizes it)");
  }
  int64_t grey = 0, with_alpha = 0;
  for (const Item& it : items) {
    grey += it.header.channels == 1;
    with_alpha += it.header.alpha;
  }
  const int64_t colour = static_cast<int64_t>(items.size()) - grey;
  int channels = options.channels;
  if (channels == 0) {
    channels = colour > 0 ? 3 : 1;
    if (colour > 0 && grey > 0)
      note(std::to_string(grey) + " grey images stored as colour (3 equal channels) beside " +
           std::to_string(colour) + " colour ones; --channels 1 stores all as grey");
  }
  if (with_alpha > 0)
    note("alpha dropped from " + std::to_string(with_alpha) + " images (stored as " +
         (channels == 1 ? "grey" : "RGB") + ")");

  // Pass 2: pixels.
  summary.sample_shape = Shape{channels, height, width};
  summary.labels = labelled;
  DatasetWriter writer(out, summary.sample_shape, SampleType::kUint8, labelled, dir, storage);
  if (!summary.label_names.empty()) writer.set_label_names(summary.label_names);
  std::vector<uint8_t> planar(static_cast<size_t>(channels * height * width));
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    PngImage img;
    try {
      img = read_image(it.file);
    } catch (const UserError& e) {
      bad.handle(e);
      continue;
    }
    if (img.height != height || img.width != width) img = fit_to_size(img, height, width);
    convert_channels(img, channels);
    // Interleaved (H, W, C) → planar (C, H, W).
    const int64_t hw = width * height;
    for (int64_t p = 0; p < hw; ++p)
      for (int64_t k = 0; k < channels; ++k) planar[k * hw + p] = img.pixels[p * channels + k];
    writer.append(planar.data(), 1, &it.label);
    progress("converting", static_cast<int64_t>(i + 1), static_cast<int64_t>(items.size()));
  }
  if (writer.rows() == 0) throw UserError(dir + ": no readable PNG or JPEG files");
  summary.samples = writer.rows();
  summary.type = writer.stored_type();
  summary.skipped = bad.count();
  writer.close();
  return summary;
}

}  // namespace latent
