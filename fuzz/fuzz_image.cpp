// PNG and JPEG reader (`latent convert --from image-dir`): the fuzz bytes are one image file,
// read as the converter does (header, then pixels), and fitted to a small size.
#include "fuzz_util.hpp"
#include "io/image_file.hpp"
#include "io/image_resize.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace latent;
  const std::string path = fuzz::write_file(fuzz::scratch_file("image"), data, size);
  fuzz::expect_clean([&] {
    ImageHeader header = read_image_header(path);
    // A header may promise a picture the fuzzer's memory limit cannot hold.
    check_image_size(path, header.width, header.height);
    if (header.width * header.height > (int64_t{1} << 22)) return;
    PngImage image = read_image(path);
    convert_channels(image, 3);
    fit_to_size(image, 7, 5);
  });
  return 0;
}
