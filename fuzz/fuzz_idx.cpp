// IDX reader (`latent convert --from idx`): the fuzz bytes are the images file, plain or
// gzipped (zlib reads both).
#include "fuzz_util.hpp"
#include "io/converters.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace latent;
  const std::string images = fuzz::write_file(fuzz::scratch_file("images.idx"), data, size);
  fuzz::expect_clean([&] { convert_idx(images, "", fuzz::scratch_file("out.h5")); });
  return 0;
}
