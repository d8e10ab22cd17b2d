// NumPy .npy reader (`latent convert --from npy`): the fuzz bytes are the images array.
#include "fuzz_util.hpp"
#include "io/converters.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace latent;
  const std::string images = fuzz::write_file(fuzz::scratch_file("images.npy"), data, size);
  fuzz::expect_clean([&] { convert_npy(images, "", fuzz::scratch_file("out.h5")); });
  return 0;
}
