// The checkpoint reader (HDF5): the fuzz bytes are the checkpoint file; every dataset and /meta
// attribute it lists is read the ways `latent` reads them.
#include "fuzz_util.hpp"
#include "io/checkpoint_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace latent;
  const std::string path = fuzz::write_file(fuzz::scratch_file("checkpoint.h5"), data, size);
  fuzz::expect_clean([&] {
    CheckpointReader r(path);
    for (const std::string& name : r.tensor_names()) {
      fuzz::expect_clean([&] { r.read_tensor(name); });
      fuzz::expect_clean([&] { r.read_ints(name); });
    }
    for (const std::string& key : r.meta_keys()) {
      fuzz::expect_clean([&] { r.meta_string(key); });
      fuzz::expect_clean([&] { r.meta_int(key); });
      fuzz::expect_clean([&] { r.meta_float(key); });
    }
    r.has("/params");
    r.has_meta("model");
  });
  return 0;
}
