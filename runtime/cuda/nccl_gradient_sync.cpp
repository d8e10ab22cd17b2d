// Gradient synchronisation of GPU ranks through NCCL: the gradient buffer is cut into buckets as
// the bucketed MPI sync cuts it; when backward reports a bucket final, an event recorded on the
// compute stream lets NCCL's stream start that bucket's allreduce, so communication overlaps
// the rest of backward; finish() makes the compute stream wait for the last allreduce (the
// optimizer step is queued behind it, no host wait).
//
// All of a model's syncs share one NCCL communicator and one stream (NcclChannel, made by the
// first: rank 0's ncclUniqueId reaches the others through the MPI communicator). Collectives of
// several communicators that overlap may deadlock, NCCL warns; on one stream they run one after
// another, in the order every rank issues them (the same backward order on every rank).
//
// A rank that fails must not leave the others spinning in NCCL kernels: when an exception leaves
// a sync, or a sync is destroyed while one unwinds the stack, the communicator is aborted
// (ncclCommAbort) rather than destroyed (ncclCommDestroy waits for collectives that will never
// complete).
#include <cuda_runtime.h>
#include <nccl.h>

#include <algorithm>
#include <cstdio>
#include <exception>
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

void warn_nccl(ncclResult_t status, const char* call) {
  if (status != ncclSuccess)
    std::fprintf(stderr, "latent: warning: NCCL: %s failed: %s\n", call,
                 ncclGetErrorString(status));
}

ncclUniqueId rank0s_unique_id(Communicator& comm) {
  ncclUniqueId id{};
  if (comm.rank() == 0) check_nccl(ncclGetUniqueId(&id), "ncclGetUniqueId");
  // The MPI communicator carries it as text: it is opaque bytes.
  std::string bytes(reinterpret_cast<const char*>(&id), sizeof id);
  comm.broadcast(bytes, 0);
  if (bytes.size() != sizeof id) throw std::runtime_error("NCCL: the unique id was cut short");
  std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(&id));
  return id;
}

}  // namespace

// The communicator and the stream all of a model's NCCL syncs issue their allreduces on.
struct NcclChannel {
  ncclComm_t comm = nullptr;
  cudaStream_t stream = nullptr;
  bool failed = false;  // an exception left a collective: abort, never wait for the peers

  explicit NcclChannel(Communicator& mpi) {
    cuda::context();  // this thread on the rank's GPU before NCCL binds the communicator to it
    cuda::check(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate");
    try {
      check_nccl(ncclCommInitRank(&comm, mpi.size(), rank0s_unique_id(mpi), mpi.rank()),
                 "ncclCommInitRank");
    } catch (...) {
      cuda::warn(cudaStreamDestroy(stream), "cudaStreamDestroy");
      throw;
    }
  }
  NcclChannel(const NcclChannel&) = delete;
  NcclChannel& operator=(const NcclChannel&) = delete;

  ~NcclChannel() {
    if (comm) {
      if (failed || std::uncaught_exceptions() > 0)
        warn_nccl(ncclCommAbort(comm), "ncclCommAbort");
      else
        warn_nccl(ncclCommDestroy(comm), "ncclCommDestroy");
    }
    if (stream) cuda::warn(cudaStreamDestroy(stream), "cudaStreamDestroy");
  }
};

namespace {

class NcclGradientSync : public GradientSync {
 public:
  NcclGradientSync(std::shared_ptr<NcclChannel> channel, Tensor& grads, int64_t bucket_bytes)
      : channel_(std::move(channel)), grads_(grads), whole_{{0, grads.numel()}} {
    if (grads.device() != Device::kCuda)
      throw std::invalid_argument("NCCL gradient sync: the gradients are not on the GPU");
    compute_ = cuda::context().stream;
    // Timed events: the exposed wait is measured between them on the GPU.
    cuda::check(cudaEventCreate(&backward_done_), "cudaEventCreate");
    cuda::check(cudaEventCreate(&comm_done_), "cudaEventCreate");
    const int64_t per_bucket = std::max<int64_t>(1, bucket_bytes / int64_t{sizeof(float)});
    for (int64_t begin = 0; begin < grads.numel(); begin += per_bucket) {
      Bucket b{begin, std::min(grads.numel(), begin + per_bucket), nullptr};
      cuda::check(cudaEventCreateWithFlags(&b.ready, cudaEventDisableTiming), "cudaEventCreate");
      buckets_.push_back(b);
    }
  }

  ~NcclGradientSync() override {
    if (std::uncaught_exceptions() > uncaught_at_start_) channel_->failed = true;
    for (Bucket& b : buckets_) cuda::warn(cudaEventDestroy(b.ready), "cudaEventDestroy");
    if (comm_done_) cuda::warn(cudaEventDestroy(comm_done_), "cudaEventDestroy");
    if (backward_done_) cuda::warn(cudaEventDestroy(backward_done_), "cudaEventDestroy");
  }

  void ready_up_to(int64_t offset) override {
    failing_aborts([&] {
      while (next_ < buckets_.size() && buckets_[next_].end <= offset) start(buckets_[next_++]);
    });
  }

  void finish(bool) override {
    failing_aborts([&] {
      add_previous_wait();
      cuda::check(cudaEventRecord(backward_done_, compute_), "cudaEventRecord");
      while (next_ < buckets_.size()) start(buckets_[next_++]);
      next_ = 0;
      // The optimizer (on the compute stream) runs after the last allreduce; the host never
      // waits.
      cuda::check(cudaEventRecord(comm_done_, channel_->stream), "cudaEventRecord");
      cuda::check(cudaStreamWaitEvent(compute_, comm_done_, 0), "cudaStreamWaitEvent");
      timing_pending_ = true;
    });
  }

  const std::vector<std::pair<int64_t, int64_t>>& owned_ranges() const override { return whole_; }
  void share_parameters(Tensor&, bool) override {}  // every rank updated all parameters
  void gather_parts(Tensor&) override {}            // nothing is sharded

 private:
  struct Bucket {
    int64_t begin, end;
    cudaEvent_t ready;
  };

  // Runs f; an exception leaving it marks the channel failed (then it is aborted).
  template <class F>
  void failing_aborts(F f) {
    try {
      f();
    } catch (...) {
      channel_->failed = true;
      throw;
    }
  }

  void start(Bucket& b) {
    // The bucket's gradients are final once the compute stream reaches this point.
    cuda::check(cudaEventRecord(b.ready, compute_), "cudaEventRecord");
    cuda::check(cudaStreamWaitEvent(channel_->stream, b.ready, 0), "cudaStreamWaitEvent");
    float* data = grads_.data() + b.begin;
    check_nccl(ncclAllReduce(data, data, static_cast<size_t>(b.end - b.begin), ncclFloat, ncclSum,
                             channel_->comm, channel_->stream),
               "ncclAllReduce");
  }

  // The exposed wait of the previous finish(): how long after backward's end the last allreduce
  // ended (what the compute stream waited), timed on the GPU and read a step late so the host
  // never waits for it. A step whose events are not done yet is left out.
  void add_previous_wait() {
    if (!timing_pending_) return;
    timing_pending_ = false;
    const cudaError_t status = cudaEventQuery(comm_done_);
    if (status == cudaErrorNotReady) {
      cudaGetLastError();  // not an error: leave nothing for the next launch check
      return;
    }
    cuda::check(status, "cudaEventQuery");
    float ms = 0;
    cuda::check(cudaEventElapsedTime(&ms, backward_done_, comm_done_), "cudaEventElapsedTime");
    exposed_seconds_ += std::max(0.0f, ms) / 1000;
  }

  std::shared_ptr<NcclChannel> channel_;
  Tensor& grads_;
  std::vector<std::pair<int64_t, int64_t>> whole_;
  std::vector<Bucket> buckets_;
  size_t next_ = 0;
  cudaStream_t compute_ = nullptr;
  cudaEvent_t backward_done_ = nullptr, comm_done_ = nullptr;
  bool timing_pending_ = false;
  const int uncaught_at_start_ = std::uncaught_exceptions();
};

}  // namespace

std::unique_ptr<GradientSync> make_nccl_sync(Communicator& comm, Tensor& grads,
                                             int64_t bucket_bytes,
                                             std::shared_ptr<NcclChannel>& channel) {
  if (!channel) channel = std::make_shared<NcclChannel>(comm);
  return std::make_unique<NcclGradientSync>(channel, grads, bucket_bytes);
}

}  // namespace latent
