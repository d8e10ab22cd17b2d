// `latent encode --checkpoint C --data F --out Z.h5`: the code of every sample (features,
// compression): /latent (N, K) (μ for a VAE), /logvar for a VAE, /labels copied.
#include <iostream>

#include "launch/encode_command.hpp"
#include "launch/subcommands.hpp"
#include "runtime/host_staging.hpp"

namespace latent {

EncodeCommand::EncodeCommand()
    : AppCommand({"encode",
                  "--checkpoint C.h5 --data F.h5 --out Z.h5",
                  "Writes /latent (N, K) (μ for a vae), /logvar (vae) and /labels. Under mpirun "
                  "each rank encodes its shard; one file results.\n",
                  {Capability::kEncode}}) {}

std::vector<TableColumn> EncodeCommand::output_columns() {
  const int64_t k = encoder().code_size();
  if (encoder().has_logvar()) return {{"latent", {k}}, {"logvar", {k}}};
  return {{"latent", {k}}};
}

void EncodeCommand::batch(const AppBatch& b) {
  const bool logvar = encoder().has_logvar();
  encoder().encode(b.device, codes_, logvar ? &logvars_ : nullptr);
  std::vector<const float*> columns{on_host(codes_, host_codes_).data()};
  if (logvar) columns.push_back(on_host(logvars_, host_logvars_).data());
  append(b.first, b.rows(), columns, b.labels.data());
}

void EncodeCommand::finish() {
  if (root())
    std::cout << "encode: " << written() << " codes of size " << encoder().code_size() << " in "
              << out_path() << "\n";
}

}  // namespace latent

int cmd_encode(int argc, char** argv) {
  return latent::EncodeCommand().run(argc, argv);
}
