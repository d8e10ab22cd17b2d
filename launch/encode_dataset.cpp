#include "launch/encode_dataset.hpp"

#include "launch/app_support.hpp"
#include "launch/sharded_output.hpp"
#include "runtime/host_staging.hpp"

namespace latent {

int64_t encode_dataset(const std::string& command, Model& model, const DatasetSpec& spec,
                       const std::string& out, int64_t batch, Communicator& comm) {
  auto data = open_shard(spec, batch, comm);
  const int64_t k = model.config().latent;
  const bool logvar = model.has_logvar();
  std::vector<TableColumn> columns{{"latent", {k}}};
  if (logvar) columns.push_back({"logvar", {k}});
  ShardedOutput output(out, columns, data->has_labels(), comm);
  Progress progress(command, data->size(), comm);
  Tensor images, codes, logvars;
  Tensor device_images, host_codes, host_logvars;  // staged copies when the model is on a GPU
  std::vector<int> labels;
  uint64_t first = 0;
  while (data->next_batch(images, &labels, &first)) {
    if (images.dim(0) == 0) continue;
    model.encode(on_device(images, model.config().device, device_images), codes,
                 logvar ? &logvars : nullptr);
    std::vector<const float*> cols{on_host(codes, host_codes).data()};
    if (logvar) cols.push_back(on_host(logvars, host_logvars).data());
    output.append(first, images.dim(0), cols, labels.data());
    progress.advance(images.dim(0));
  }
  return output.finish();
}

}  // namespace latent
