// The mnist package's digit files (`latent convert --from mnist-json`): the fuzz bytes are
// DIR/0.json.
#include "fuzz_util.hpp"
#include "io/converters.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace latent;
  fuzz::write_file(fuzz::scratch_file("0.json"), data, size);
  fuzz::expect_clean(
      [&] { convert_mnist_json(fuzz::scratch_dir(), fuzz::scratch_file("out.h5")); });
  return 0;
}
