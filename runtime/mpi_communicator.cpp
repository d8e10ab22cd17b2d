// The MPI communicator (OpenMPI): one rank per process, started by mpirun or srun.
#include <mpi.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/communicator.hpp"
#include "runtime/mpi_stall_watch.hpp"

namespace latent {
namespace {

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) {
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, text, &len);
    throw std::runtime_error(std::string(what) + ": " + std::string(text, len));
  }
}

int count(size_t n) {
  if (n > static_cast<size_t>(INT_MAX)) throw std::length_error("MPI message over 2^31 elements");
  return static_cast<int>(n);
}

// Counts and displacements (MPI's int) of consecutive pieces of these sizes (any unit).
void layout(const std::vector<int64_t>& bytes, std::vector<int>& counts, std::vector<int>& displs) {
  size_t offset = 0;
  for (int64_t b : bytes) {
    counts.push_back(count(static_cast<size_t>(b)));
    displs.push_back(count(offset));
    offset += static_cast<size_t>(b);
  }
}

// A request waited for through the stall watch (runtime/mpi_stall_watch.hpp): polled with back-off,
// never longer than the stall timeout.
class MpiRequest : public Communicator::Request {
 public:
  MpiRequest(MpiStallWatch* w, const char* what) : watch(w), operation(what) {}
  MPI_Request request = MPI_REQUEST_NULL;
  MpiStallWatch* watch;
  const char* operation;
  void wait() override { watch->wait(request, operation); }
  bool test() override {
    int done = 0;
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "MPI_Test");
    return done != 0;
  }
};

// A reduce-scatter in flight, in place: MPI leaves a rank's summed part at the front of the
// buffer; once complete it is moved to the part's own offset.
class ReduceScatterRequest : public Communicator::Request {
 public:
  explicit ReduceScatterRequest(MpiStallWatch* w) : watch(w) {}
  MPI_Request request = MPI_REQUEST_NULL;
  MpiStallWatch* watch;
  std::vector<int> counts;
  float* data = nullptr;
  int64_t offset = 0, count = 0;
  bool moved = false;
  void wait() override {
    watch->wait(request, "the gradient sum (reduce-scatter)");
    move();
  }
  bool test() override {
    if (moved) return true;
    int done = 0;
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "MPI_Test");
    if (done) move();
    return done != 0;
  }

 private:
  void move() {
    if (!moved && offset > 0) std::memmove(data + offset, data, count * sizeof(float));
    moved = true;
  }
};

// An MPI-3 shared-memory window over a node's communicator: every rank's segment mapped into
// every rank of the node. Freed (collectively) with the object.
class MpiNodeSharedMemory : public NodeSharedMemory {
 public:
  MpiNodeSharedMemory(MPI_Comm node, size_t floats) {
    int size = 0;
    MPI_Comm_size(node, &size);
    MPI_Info info;
    MPI_Info_create(&info);
    MPI_Info_set(info, "alloc_shared_noncontig", "true");  // each segment near its own rank
    void* base = nullptr;
    check(
        MPI_Win_allocate_shared(static_cast<MPI_Aint>(std::max<size_t>(floats, 1) * sizeof(float)),
                                sizeof(float), info, node, &base, &win_),
        "MPI_Win_allocate_shared");
    MPI_Info_free(&info);
    for (int r = 0; r < size; ++r) {
      MPI_Aint bytes = 0;
      int unit = 0;
      void* p = nullptr;
      check(MPI_Win_shared_query(win_, r, &bytes, &unit, &p), "MPI_Win_shared_query");
      segments_.push_back(static_cast<float*>(p));
    }
  }
  ~MpiNodeSharedMemory() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Win_free(&win_);
  }
  float* segment(int local_rank) const override { return segments_.at(local_rank); }

 private:
  MPI_Win win_ = MPI_WIN_NULL;
  std::vector<float*> segments_;
};

// An all-gather in flight: its counts and displacements must outlive the call.
class AllgatherRequest : public MpiRequest {
 public:
  using MpiRequest::MpiRequest;
  std::vector<int> counts, displs;
};

// An all-to-all in flight: its counts and displacements must outlive the call.
class AlltoallvRequest : public MpiRequest {
 public:
  using MpiRequest::MpiRequest;
  std::vector<int> send_counts, send_displs, recv_counts, recv_displs;
};

class MpiCommunicator : public Communicator {
 public:
  // MPI_COMM_WORLD (initialising MPI).
  MpiCommunicator() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      int provided = 0;
      // The main thread trains; a training stream's prefetch thread exchanges samples on a
      // communicator of its own at the same time.
      check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_MULTIPLE, &provided), "MPI_Init_thread");
      owns_init_ = true;
    }
    attach(MPI_COMM_WORLD);
    watch_ = std::make_shared<MpiStallWatch>(comm_);
    MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node_);
    MPI_Comm_set_errhandler(node_, MPI_ERRORS_RETURN);
    MPI_Comm_rank(node_, &local_rank_);
    MPI_Comm_size(node_, &local_size_);
    char name[MPI_MAX_PROCESSOR_NAME];
    int len = 0;
    MPI_Get_processor_name(name, &len);
    node_name_.assign(name, len);
  }
  // A communicator made from `comm` (owned), with `parent`'s node facts.
  MpiCommunicator(MPI_Comm comm, const MpiCommunicator& parent) : watch_(parent.watch_) {
    attach(comm);
    owns_comm_ = true;
    local_rank_ = parent.local_rank_;
    local_size_ = parent.local_size_;
    node_name_ = parent.node_name_;
  }
  // A duplicate of `parent` (its node facts copied).
  explicit MpiCommunicator(const MpiCommunicator& parent) : watch_(parent.watch_) {
    MPI_Comm dup;
    check(MPI_Comm_dup(parent.comm_, &dup), "MPI_Comm_dup");
    attach(dup);
    owns_comm_ = true;
    local_rank_ = parent.local_rank_;
    local_size_ = parent.local_size_;
    node_name_ = parent.node_name_;
  }
  ~MpiCommunicator() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) {
      if (owns_comm_) MPI_Comm_free(&comm_);
      if (node_ != MPI_COMM_NULL) MPI_Comm_free(&node_);
    }
    if (owns_init_ && !finalized) MPI_Finalize();
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int local_rank() const override { return local_rank_; }
  int local_size() const override { return local_size_; }
  std::string node_name() const override { return node_name_; }

  // Every collective is started non-blocking and waited for through the stall watch: a blocking
  // MPI call would spin a core for as long as a peer is late, and wait forever for a stopped one.
  void allreduce_sum(float* data, size_t n) override {
    MPI_Request r;
    check(MPI_Iallreduce(MPI_IN_PLACE, data, count(n), MPI_FLOAT, MPI_SUM, comm_, &r),
          "MPI_Iallreduce");
    watch_->wait(r, "a sum over ranks (allreduce)");
  }
  std::unique_ptr<Request> allreduce_sum_async(float* data, size_t n) override {
    auto r = std::make_unique<MpiRequest>(watch_.get(), "the gradient sum (allreduce)");
    check(MPI_Iallreduce(MPI_IN_PLACE, data, count(n), MPI_FLOAT, MPI_SUM, comm_, &r->request),
          "MPI_Iallreduce");
    return r;
  }
  void allreduce_sum(double* data, size_t n) override {
    MPI_Request r;
    check(MPI_Iallreduce(MPI_IN_PLACE, data, count(n), MPI_DOUBLE, MPI_SUM, comm_, &r),
          "MPI_Iallreduce");
    watch_->wait(r, "the metrics' sum (allreduce)");
  }
  std::unique_ptr<Request> reduce_scatter_sum_async(float* data,
                                                    const std::vector<int64_t>& counts) override {
    auto r = std::make_unique<ReduceScatterRequest>(watch_.get());
    for (int64_t c : counts) r->counts.push_back(count(static_cast<size_t>(c)));
    for (int i = 0; i < rank_; ++i) r->offset += counts[i];
    r->count = counts[rank_];
    r->data = data;
    check(MPI_Ireduce_scatter(MPI_IN_PLACE, data, r->counts.data(), MPI_FLOAT, MPI_SUM, comm_,
                              &r->request),
          "MPI_Ireduce_scatter");
    return r;
  }
  std::unique_ptr<Request> allgather_async(float* data,
                                           const std::vector<int64_t>& counts) override {
    auto r = std::make_unique<AllgatherRequest>(watch_.get(), "the parameter gather (all-gather)");
    layout(counts, r->counts, r->displs);
    check(MPI_Iallgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, data, r->counts.data(),
                          r->displs.data(), MPI_FLOAT, comm_, &r->request),
          "MPI_Iallgatherv");
    return r;
  }
  int allreduce_max(int value) override {
    MPI_Request r;
    check(MPI_Iallreduce(MPI_IN_PLACE, &value, 1, MPI_INT, MPI_MAX, comm_, &r), "MPI_Iallreduce");
    watch_->wait(r, "an agreement of the ranks (allreduce max)");
    return value;
  }
  int local_count_of(uint64_t key) override {
    if (node_ == MPI_COMM_NULL) throw std::logic_error("local_count_of on a duplicate");
    std::vector<uint64_t> keys(local_size_);
    MPI_Request r;
    check(MPI_Iallgather(&key, 1, MPI_UINT64_T, keys.data(), 1, MPI_UINT64_T, node_, &r),
          "MPI_Iallgather");
    watch_->wait(r, "the node's count of ranks (all-gather)");
    return static_cast<int>(std::count(keys.begin(), keys.end(), key));
  }
  void broadcast(float* data, size_t n, int root) override {
    bcast(data, count(n), MPI_FLOAT, root);
  }
  void broadcast(int64_t* data, size_t n, int root) override {
    bcast(data, count(n), MPI_INT64_T, root);
  }
  void broadcast(std::string& text, int root) override {
    int len = static_cast<int>(text.size());
    bcast(&len, 1, MPI_INT, root);
    text.resize(len);
    bcast(text.data(), len, MPI_CHAR, root);
  }
  void barrier() override {
    MPI_Request r;
    check(MPI_Ibarrier(comm_, &r), "MPI_Ibarrier");
    watch_->wait(r, "a barrier");
  }

  std::unique_ptr<Communicator> duplicate() override {
    return std::make_unique<MpiCommunicator>(*this);
  }
  bool concurrent_threads() const override { return concurrent_; }
  std::unique_ptr<Request> alltoallv_async(const void* send, const std::vector<int64_t>& send_bytes,
                                           void* recv,
                                           const std::vector<int64_t>& recv_bytes) override {
    auto r = std::make_unique<AlltoallvRequest>(watch_.get(), "the sample exchange (all-to-all)");
    layout(send_bytes, r->send_counts, r->send_displs);
    layout(recv_bytes, r->recv_counts, r->recv_displs);
    check(
        MPI_Ialltoallv(send, r->send_counts.data(), r->send_displs.data(), MPI_BYTE, recv,
                       r->recv_counts.data(), r->recv_displs.data(), MPI_BYTE, comm_, &r->request),
        "MPI_Ialltoallv");
    return r;
  }
  void allgatherv(void* data, const std::vector<int64_t>& bytes) override {
    std::vector<int> counts, displs;
    layout(bytes, counts, displs);
    MPI_Request r;
    check(MPI_Iallgatherv(MPI_IN_PLACE, 0, MPI_BYTE, data, counts.data(), displs.data(), MPI_BYTE,
                          comm_, &r),
          "MPI_Iallgatherv");
    watch_->wait(r, "a gather of every rank's part (all-gather)");
  }
  std::unique_ptr<NodeSharedMemory> allocate_node_shared(size_t floats) override {
    if (node_ == MPI_COMM_NULL) throw std::logic_error("allocate_node_shared on a duplicate");
    return std::make_unique<MpiNodeSharedMemory>(node_, floats);
  }
  void node_barrier() override {
    // The barrier orders the ranks; the fences make what one wrote before it visible to the
    // others after it (x86 and the MPI-3 unified memory model need no more).
    std::atomic_thread_fence(std::memory_order_seq_cst);
    MPI_Request r;
    check(MPI_Ibarrier(node_, &r), "MPI_Ibarrier");
    watch_->wait(r, "the node's barrier (shared-memory gradients)");
    std::atomic_thread_fence(std::memory_order_seq_cst);
  }
  Communicator* across_nodes() override {
    if (!across_checked_) {
      across_checked_ = true;
      int sizes[2] = {local_size_, -local_size_};
      MPI_Request r;
      check(MPI_Iallreduce(MPI_IN_PLACE, sizes, 2, MPI_INT, MPI_MAX, comm_, &r), "MPI_Iallreduce");
      watch_->wait(r, "the nodes' rank counts (allreduce)");
      if (sizes[0] == -sizes[1]) {  // every node holds as many ranks
        MPI_Comm across;
        check(MPI_Comm_split(comm_, local_rank_, rank_, &across), "MPI_Comm_split");
        across_ = std::unique_ptr<MpiCommunicator>(new MpiCommunicator(across, *this));
      }
    }
    return across_.get();
  }
  std::unique_ptr<Request> allreduce_max_async(int* value) override {
    auto r =
        std::make_unique<MpiRequest>(watch_.get(), "an agreement of the ranks (allreduce max)");
    check(MPI_Iallreduce(MPI_IN_PLACE, value, 1, MPI_INT, MPI_MAX, comm_, &r->request),
          "MPI_Iallreduce");
    return r;
  }
  [[noreturn]] void abort(int code) override {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::exit(code);
  }

 private:
  void bcast(void* data, int n, MPI_Datatype type, int root) {
    MPI_Request r;
    check(MPI_Ibcast(data, n, type, root, comm_, &r), "MPI_Ibcast");
    watch_->wait(r, "a broadcast from rank 0");
  }

  void attach(MPI_Comm comm) {
    comm_ = comm;
    int level = 0;
    MPI_Query_thread(&level);
    concurrent_ = level >= MPI_THREAD_MULTIPLE;
    // Errors come back as codes (turned into exceptions, then MPI_Abort), never a silent hang.
    MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
  }

  std::shared_ptr<MpiStallWatch> watch_;  // one per job, shared by the duplicates
  MPI_Comm comm_ = MPI_COMM_NULL;
  MPI_Comm node_ = MPI_COMM_NULL;  // the ranks sharing this node's memory (the world's only)
  bool across_checked_ = false;
  std::unique_ptr<MpiCommunicator> across_;
  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
  bool owns_init_ = false, owns_comm_ = false, concurrent_ = false;
  std::string node_name_;
};

}  // namespace

bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "SLURM_STEP_NUM_TASKS"})
    if (std::getenv(v)) return true;
  return false;
}

std::unique_ptr<Communicator> make_mpi_communicator() {
  return std::make_unique<MpiCommunicator>();
}

std::unique_ptr<Communicator> make_communicator() {
  if (launched_by_mpi()) return make_mpi_communicator();
  return make_single_process_communicator();
}

}  // namespace latent
