// CSV reader (`latent convert --from csv`): the fuzz bytes are the file; the conversion runs
// with each kind of option (no label column, the first, the last; samples as (D) or (1, 2, 2)).
#include <optional>

#include "fuzz_util.hpp"
#include "io/converters.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace latent;
  const std::string csv = fuzz::write_file(fuzz::scratch_file("data.csv"), data, size);
  for (std::optional<int> label :
       {std::optional<int>{}, std::optional<int>{0}, std::optional<int>{-1}}) {
    for (bool image : {false, true}) {
      CsvOptions options;
      options.label_column = label;
      if (image) options.sample_shape = {1, 2, 2};
      fuzz::expect_clean([&] { convert_csv(csv, options, fuzz::scratch_file("out.h5")); });
    }
  }
  return 0;
}
