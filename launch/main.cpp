// `latent <subcommand> [options]`: dispatches to the subcommand and turns errors into one line
// on stderr and exit status 1.
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include "io/hdf5_library.hpp"
#include "io/output_path.hpp"
#include "launch/signals.hpp"
#include "launch/subcommands.hpp"
#include "launch/world.hpp"
#include "models/model_kinds.hpp"
#include "runtime/build_info.hpp"
#include "runtime/error.hpp"

namespace {

struct Subcommand {
  const char* name;
  int (*run)(int argc, char** argv);
  const char* summary;
};

// `latent version` and `latent --version`: the line a bug report starts with.
int cmd_version(int argc, char** argv) {
  if (argc == 2 && (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
    std::printf(
        "usage: latent version   (or latent --version)\n\none line: latent's version, the commit "
        "and build type it was built from, oneDNN's version and the instruction set it uses here, "
        "the MPI library, and the CUDA, cuDNN and NCCL libraries of a CUDA build\n");
    return 0;
  }
  if (argc > 1)
    throw latent::UserError(std::string("version takes no options, not '") + argv[1] + "'");
  std::printf("%s\n", latent::version_line().c_str());
  return 0;
}

const Subcommand kSubcommands[] = {
    {"train", cmd_train, "train a model on an HDF5 dataset (--model: the kinds below)"},
    {"eval", cmd_eval, "evaluate a checkpoint on a dataset; prints one JSON object"},
    {"convert", cmd_convert,
     "convert idx, mnist-json, npy, csv or image-dir (PNG, JPEG) data to HDF5"},
    {"info", cmd_info, "describe an HDF5 dataset or checkpoint"},
    {"encode", cmd_encode, "the code of every sample (features, compression): /latent"},
    {"decode", cmd_decode, "codes back to images (the receiving side of compression)"},
    {"reconstruct", cmd_reconstruct, "data through the model: /images, per-sample /error"},
    {"denoise", cmd_denoise, "corrupt data, then denoise it: /noisy, /images, /error"},
    {"anomaly", cmd_anomaly, "per-sample anomaly score; AUROC with --normal-classes"},
    {"generate", cmd_generate, "new samples from a vae or gan, in dataset layout"},
    {"interpolate", cmd_interpolate, "walk in latent space between two samples (PNG strip)"},
    {"plot-latent", cmd_plot_latent, "scatter of the codes coloured by label (PNG, gnuplot)"},
    {"plot", cmd_plot, "loss curves of a run's metrics.jsonl (PNG, gnuplot)"},
    {"score", cmd_score, "FID, judge accuracy and class coverage of a vae or gan's samples"},
    {"classify", cmd_classify, "a classifier's predicted labels as a dataset: /images, /labels"},
    {"subset", cmd_subset, "rows of datasets into one file: a train/val split, concatenation"},
    {"version", cmd_version, "version, commit, build type, oneDNN, MPI and CUDA libraries in use"},
};

void usage(FILE* out) {
  std::fprintf(out, "usage: latent <subcommand> [options]   (latent <subcommand> --help)\n\n");
  std::fprintf(out, "subcommands:\n");
  for (const Subcommand& s : kSubcommands) std::fprintf(out, "  %-13s %s\n", s.name, s.summary);
  std::fprintf(out, "\nkinds of model (latent train --model KIND --help):\n");
  for (const latent::ModelKind& k : latent::model_kinds())
    std::fprintf(out, "  %-13s %s\n", k.name, k.summary);
}

// One line naming the problem; under MPI it carries the rank and ends every rank of the job,
// so no rank is left waiting in a collective.
void fail(const char* message) {
  latent::Communicator* comm = latent::world_if_started();
  if (comm && comm->size() > 1) {
    std::fprintf(stderr, "latent: rank %d: %s\n", comm->rank(), message);
    std::fflush(stderr);
    comm->abort(1);
  }
  std::fprintf(stderr, "latent: %s\n", message);
}

}  // namespace

int main(int argc, char** argv) {
  latent::skip_hdf5_shutdown_at_exit();
  latent::guard_inputs_against_overwrite();
  latent::remove_partial_files_on_signals();
  if (argc < 2) {
    usage(stderr);
    return 1;
  }
  if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    usage(stdout);
    return 0;
  }
  if (!std::strcmp(argv[1], "--version")) argv[1] = const_cast<char*>("version");
  for (const Subcommand& s : kSubcommands) {
    if (std::strcmp(argv[1], s.name) != 0) continue;
    try {
      return s.run(argc - 1, argv + 1);
    } catch (const std::bad_alloc&) {
      // Sizes that could not fit are refused by name before allocating; this is what remains.
      fail(("out of memory in `latent " + std::string(argv[1]) +
            "`: lower --batch, --io-buffer-mb or the model's size (--hidden, --latent, "
            "--conv-widths), or use fewer ranks per node")
               .c_str());
    } catch (const std::exception& e) {
      fail(e.what());
    }
    return 1;
  }
  std::fprintf(stderr, "latent: unknown subcommand '%s'\n\n", argv[1]);
  usage(stderr);
  return 1;
}
