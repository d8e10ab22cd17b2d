// `latent decode --checkpoint C --latent Z.h5 --out R.h5`: the receiving side of compression,
// codes (as `latent encode` wrote them) back to images: /images, /labels copied.
#include <iostream>

#include "launch/app_driver.hpp"
#include "launch/subcommands.hpp"
#include "runtime/error.hpp"
#include "runtime/host_staging.hpp"

namespace latent {
namespace {

class Decode : public AppCommand {
 public:
  Decode()
      : AppCommand({"decode",
                    "--checkpoint C.h5 --latent Z.h5 --out R.h5",
                    "Writes /images and /labels when Z has them. Under mpirun each rank decodes "
                    "its shard; one file results.\n",
                    {Capability::kDecode},
                    AppSpec::Input::kCodes,
                    /*writes_output=*/true,
                    /*reads_labels=*/true,
                    /*shows_progress=*/true,
                    /*chooses_weights=*/true}) {}

 private:
  void start() override {
    const Shape& code = shard().sample_shape();
    const int64_t k = model().as_decoder()->code_size();
    if (code.rank() != 1 || code[0] != k)
      throw UserError("decode: " + input().path + " /" + input().images_name + " holds codes of " +
                      code.str() + " but checkpoint " + checkpoint() + " (" + model().kind() +
                      ") decodes codes of (" + std::to_string(k) + ")");
  }
  std::vector<TableColumn> output_columns() override {
    return {{"images", row_dims(model().config().sample_shape)}};
  }
  void batch(const AppBatch& b) override {
    model().as_decoder()->decode(b.device, images_);
    append(b.first, b.rows(), {on_host(images_, host_images_).data()}, b.labels.data());
  }
  void finish() override {
    if (root())
      std::cout << "decode: " << written() << " images of " << model().config().sample_shape.str()
                << " in " << out_path() << "\n";
  }

  Tensor images_, host_images_;
};

}  // namespace
}  // namespace latent

int cmd_decode(int argc, char** argv) {
  return latent::Decode().run(argc, argv);
}
