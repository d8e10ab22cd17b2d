// Writes the fixed 8,000 / 2,000 MNIST split of bench/peer/mnist_split.py in latent's dataset
// layout: /images float32 (N, 1, 28, 28), /labels int32 (N).
//
//   make_mnist_split IN.h5 TRAIN.h5 TEST.h5 [none|gzip|gzip=LEVEL]
//
// IN.h5 is the output of `latent convert --from mnist-json data/mnist-json --out IN.h5`: the
// digits of 0.json .. 9.json concatenated in that order (10,000 images). The split:
// perm = numpy.random.RandomState(0).permutation(10000), reproduced here with std::mt19937(0)
// and numpy's top-down Fisher-Yates with masked rejection sampling (the code given in
// mnist_split.py's header); train = X[perm[0:8000]], test = X[perm[8000:10000]], in that order.
// The tool checks the first indices and prints per-label counts and pixel means, to compare
// with `python3 bench/peer/mnist_split.py` (train 0.130966, test 0.131718). The optional last
// argument is the storage, as `latent convert --compression` takes it (default gzip=4);
// bench/compare.sh asks for none, so that latent reads from the page cache as the peer does
// from memory.
#include <cstdint>
#include <cstdio>
#include <exception>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "io/dataset_spec.hpp"
#include "io/dataset_writer.hpp"
#include "io/read_all.hpp"

namespace {

constexpr int64_t kTrain = 8000, kTest = 2000;

std::vector<uint32_t> numpy_legacy_permutation(uint32_t n, uint32_t seed) {
  std::vector<uint32_t> a(n);
  std::iota(a.begin(), a.end(), 0u);
  std::mt19937 g(seed);  // numpy's RandomState(seed) for an integer seed == init_genrand(seed)
  for (uint32_t i = n - 1; i >= 1; --i) {
    uint32_t m = i;
    m |= m >> 1;
    m |= m >> 2;
    m |= m >> 4;
    m |= m >> 8;
    m |= m >> 16;
    uint32_t v;
    do v = static_cast<uint32_t>(g()) & m;
    while (v > i);
    std::swap(a[i], a[v]);
  }
  return a;
}

void write_part(const std::string& path, const latent::LoadedDataset& all,
                const std::vector<uint32_t>& perm, int64_t begin, int64_t end, const char* name,
                const latent::StorageOptions& storage) {
  const int64_t per = all.images.shape().per_sample();
  latent::Shape sample{all.images.dim(1), all.images.dim(2), all.images.dim(3)};
  latent::DatasetWriter w(path, sample, latent::SampleType::kFloat32, true, "make_mnist_split",
                          storage);
  std::vector<int64_t> counts(10, 0);
  double sum = 0;
  for (int64_t r = begin; r < end; ++r) {
    const int64_t i = perm[r];
    const float* px = all.images.data() + i * per;
    const int label = all.labels[i];
    w.append(px, 1, &label);
    for (int64_t k = 0; k < per; ++k) sum += px[k];
    if (label >= 0 && label < 10) ++counts[label];
  }
  w.close();
  std::printf("%s: %lld digits -> %s, per label [", name, static_cast<long long>(end - begin),
              path.c_str());
  for (int d = 0; d < 10; ++d)
    std::printf("%s%lld", d ? ", " : "", static_cast<long long>(counts[d]));
  std::printf("], first indices %u %u %u, pixel mean %.6f\n", perm[begin], perm[begin + 1],
              perm[begin + 2], sum / static_cast<double>((end - begin) * per));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: %s IN.h5 TRAIN.h5 TEST.h5 [none|gzip|gzip=LEVEL]\n", argv[0]);
    return 2;
  }
  try {
    latent::StorageOptions storage;
    if (argc == 5) storage.gzip_level = latent::parse_compression(argv[4]);
    latent::DatasetSpec spec;
    spec.path = argv[1];
    latent::LoadedDataset all = latent::read_all(spec);
    const int64_t n = all.images.dim(0);
    if (all.images.rank() != 4 || all.images.dim(1) != 1 || all.images.dim(2) != 28 ||
        all.images.dim(3) != 28) {
      std::fprintf(stderr, "%s: expected images (N, 1, 28, 28), got %s\n", argv[1],
                   all.images.shape().str().c_str());
      return 1;
    }
    if (n != kTrain + kTest || static_cast<int64_t>(all.labels.size()) != n) {
      std::fprintf(stderr, "%s: expected %lld labelled digits, got %lld images, %zu labels\n",
                   argv[1], static_cast<long long>(kTrain + kTest), static_cast<long long>(n),
                   all.labels.size());
      return 1;
    }
    const std::vector<uint32_t> perm = numpy_legacy_permutation(static_cast<uint32_t>(n), 0);
    // numpy 1.24: RandomState(0).permutation(10000) starts 9394 898 2398 5906 2343 8225 and
    // its test part (from 8000) starts 3477 9567 8284 (bench/peer/README.md).
    const uint32_t head[] = {9394, 898, 2398, 5906, 2343, 8225}, tail[] = {3477, 9567, 8284};
    for (int k = 0; k < 6; ++k)
      if (perm[k] != head[k]) {
        std::fprintf(stderr, "permutation mismatch at %d: %u, numpy gives %u\n", k, perm[k],
                     head[k]);
        return 1;
      }
    for (int k = 0; k < 3; ++k)
      if (perm[kTrain + k] != tail[k]) {
        std::fprintf(stderr, "permutation mismatch at %lld: %u, numpy gives %u\n",
                     static_cast<long long>(kTrain + k), perm[kTrain + k], tail[k]);
        return 1;
      }
    write_part(argv[2], all, perm, 0, kTrain, "train", storage);
    write_part(argv[3], all, perm, kTrain, n, "test", storage);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_mnist_split: %s\n", e.what());
    return 1;
  }
  return 0;
}
