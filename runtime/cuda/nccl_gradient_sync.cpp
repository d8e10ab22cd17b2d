// Gradient synchronisation of GPU ranks through NCCL: the gradient buffer is cut into buckets as
// the bucketed MPI sync cuts it; when backward reports a bucket final, an event recorded on the
// compute stream lets NCCL's own stream start that bucket's allreduce, so communication overlaps
// the rest of backward; finish() makes the compute stream wait for the last allreduce (the
// optimizer step is queued behind it, no host wait). The NCCL communicator is made once: rank 0's
// ncclUniqueId reaches the others through the MPI communicator.
#include <cuda_runtime.h>
#include <nccl.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/cuda/cuda_check.hpp"
#include "runtime/cuda/cuda_context.hpp"
#include "runtime/gradient_sync.hpp"

namespace latent {
namespace {

void check_nccl(ncclResult_t status, const char* call) {
  if (status != ncclSuccess)
    throw std::runtime_error(std::string("NCCL: ") + call +
                             " failed: " + ncclGetErrorString(status));
}

class NcclGradientSync : public GradientSync {
 public:
  NcclGradientSync(Communicator& comm, Tensor& grads, int64_t bucket_bytes)
      : grads_(grads), whole_{{0, grads.numel()}} {
    if (grads.device() != Device::kCuda)
      throw std::invalid_argument("NCCL gradient sync: the gradients are not on the GPU");
    cuda::Context& ctx = cuda::context();
    // Rank 0 makes the id; the MPI communicator carries it (as text: it is opaque bytes).
    ncclUniqueId id{};
    if (comm.rank() == 0) check_nccl(ncclGetUniqueId(&id), "ncclGetUniqueId");
    std::string bytes(reinterpret_cast<const char*>(&id), sizeof id);
    comm.broadcast(bytes, 0);
    if (bytes.size() != sizeof id) throw std::runtime_error("NCCL: the unique id was cut short");
    std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(&id));
    check_nccl(ncclCommInitRank(&nccl_, comm.size(), id, comm.rank()), "ncclCommInitRank");
    cuda::check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
    cuda::check(cudaEventCreateWithFlags(&done_, cudaEventDisableTiming), "cudaEventCreate");
    const int64_t per_bucket = std::max<int64_t>(1, bucket_bytes / int64_t{sizeof(float)});
    for (int64_t begin = 0; begin < grads.numel(); begin += per_bucket) {
      Bucket b{begin, std::min(grads.numel(), begin + per_bucket), nullptr};
      cuda::check(cudaEventCreateWithFlags(&b.ready, cudaEventDisableTiming), "cudaEventCreate");
      buckets_.push_back(b);
    }
    compute_ = ctx.stream;
  }

  ~NcclGradientSync() override {
    for (Bucket& b : buckets_) cudaEventDestroy(b.ready);
    if (done_) cudaEventDestroy(done_);
    if (stream_) cudaStreamDestroy(stream_);
    if (nccl_) ncclCommDestroy(nccl_);
  }

  void ready_up_to(int64_t offset) override {
    while (next_ < buckets_.size() && buckets_[next_].end <= offset) start(buckets_[next_++]);
  }

  void finish(bool) override {
    while (next_ < buckets_.size()) start(buckets_[next_++]);
    next_ = 0;
    // The optimizer (on the compute stream) runs after the last allreduce; the host never waits.
    cuda::check(cudaEventRecord(done_, stream_), "cudaEventRecord");
    cuda::check(cudaStreamWaitEvent(compute_, done_, 0), "cudaStreamWaitEvent");
  }

  const std::vector<std::pair<int64_t, int64_t>>& owned_ranges() const override { return whole_; }
  void share_parameters(Tensor&, bool) override {}  // every rank updated all parameters
  void gather_parts(Tensor&) override {}            // nothing is sharded

 private:
  struct Bucket {
    int64_t begin, end;
    cudaEvent_t ready;
  };

  void start(Bucket& b) {
    // The bucket's gradients are final once the compute stream reaches this point.
    cuda::check(cudaEventRecord(b.ready, compute_), "cudaEventRecord");
    cuda::check(cudaStreamWaitEvent(stream_, b.ready, 0), "cudaStreamWaitEvent");
    float* data = grads_.data() + b.begin;
    check_nccl(ncclAllReduce(data, data, static_cast<size_t>(b.end - b.begin), ncclFloat, ncclSum,
                             nccl_, stream_),
               "ncclAllReduce");
  }

  Tensor& grads_;
  std::vector<std::pair<int64_t, int64_t>> whole_;
  std::vector<Bucket> buckets_;
  size_t next_ = 0;
  ncclComm_t nccl_ = nullptr;
  cudaStream_t stream_ = nullptr, compute_ = nullptr;
  cudaEvent_t done_ = nullptr;
};

}  // namespace

std::unique_ptr<GradientSync> make_nccl_sync(Communicator& comm, Tensor& grads,
                                             int64_t bucket_bytes) {
  return std::make_unique<NcclGradientSync>(comm, grads, bucket_bytes);
}

}  // namespace latent
