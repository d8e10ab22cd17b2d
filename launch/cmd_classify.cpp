// `latent classify --checkpoint C --data F --out L.h5`: a classifier's verdict on every sample,
// as a dataset: /images copied and /labels the predicted classes (argmax of the logits), so
// unlabelled samples (`latent generate`'s) become training data for another classifier
// (augmentation: scripts/augment.sh). Each rank classifies its shard; one file results.
#include <iostream>

#include "launch/app_driver.hpp"
#include "launch/subcommands.hpp"
#include "runtime/host_staging.hpp"

namespace latent {
namespace {

class Classify : public AppCommand {
 public:
  Classify()
      : AppCommand({"classify",
                    "--checkpoint C.h5 --data F.h5 --out L.h5",
                    "Writes /images (copied) and /labels (predicted); the input's own labels are "
                    "not read. Under mpirun each rank classifies its shard; one file results.\n",
                    {Capability::kClassify},
                    AppSpec::Input::kImages,
                    /*writes_output=*/true,
                    /*reads_labels=*/false}) {}

 private:
  std::vector<TableColumn> output_columns() override {
    return {{"images", row_dims(model().config().sample_shape)}};
  }
  bool output_has_labels() override { return true; }
  void batch(const AppBatch& b) override {
    model().as_classifier()->predict(b.device, predicted_);
    const Tensor& p = on_host(predicted_, host_predicted_);
    predictions_.assign(p.data(), p.data() + b.rows());
    append(b.first, b.rows(), {b.host.data()}, predictions_.data());
  }
  void finish() override {
    if (root())
      std::cout << "classify: " << written() << " samples labelled by " << checkpoint() << " in "
                << out_path() << "\n";
  }

  Tensor predicted_, host_predicted_;
  std::vector<int> predictions_;
};

}  // namespace
}  // namespace latent

int cmd_classify(int argc, char** argv) {
  return latent::Classify().run(argc, argv);
}
