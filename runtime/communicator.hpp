#pragma once
// Communicator: the collectives data-parallel training needs. Implementations: a single
// process (plain `latent`), MPI (runtime/mpi_communicator.*), NCCL for GPU buffers.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace latent {

// Memory shared by the ranks of one node: each rank's segment, readable and writable by all.
class NodeSharedMemory {
 public:
  virtual ~NodeSharedMemory() = default;
  virtual float* segment(int local_rank) const = 0;
};

class Communicator {
 public:
  // A pending non-blocking collective; wait() before reading its buffer.
  class Request {
   public:
    virtual ~Request() = default;
    virtual void wait() = 0;
    // Drives progress without blocking (MPI progresses a collective only inside MPI calls);
    // true when complete.
    virtual bool test() = 0;
  };

  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual int local_rank() const = 0;  // rank among the processes on this node (GPU choice)
  virtual int local_size() const = 0;  // processes on this node (threads per rank)
  virtual std::string node_name() const = 0;

  // data[0..n) = Σ over ranks, in place.
  virtual void allreduce_sum(float* data, size_t n) = 0;
  virtual std::unique_ptr<Request> allreduce_sum_async(float* data, size_t n) = 0;
  virtual void allreduce_sum(double* data, size_t n) = 0;
  // Sharded sums, in place over data[0, Σ counts): rank r's part is the counts[r] floats at
  // offset Σ counts[< r]. Reduce-scatter leaves each rank its part summed over ranks (the other
  // parts undefined); all-gather gives every rank every rank's part.
  virtual std::unique_ptr<Request> reduce_scatter_sum_async(float* data,
                                                            const std::vector<int64_t>& counts) = 0;
  virtual std::unique_ptr<Request> allgather_async(float* data,
                                                   const std::vector<int64_t>& counts) = 0;
  // Max over ranks of an int (agreeing on errors and stop flags).
  virtual int allreduce_max(int value) = 0;
  // How many ranks on this node (this one included) hold the same `key` (e.g. the same CPU
  // affinity mask). Collective over the node.
  virtual int local_count_of(uint64_t key) = 0;
  virtual void broadcast(float* data, size_t n, int root) = 0;
  virtual void broadcast(int64_t* data, size_t n, int root) = 0;
  virtual void broadcast(std::string& text, int root) = 0;
  virtual void barrier() = 0;

  // A communicator over the same ranks whose collectives never mix with this one's: the
  // prefetch thread exchanges samples on it while training allreduces on this one. Collective.
  virtual std::unique_ptr<Communicator> duplicate() = 0;
  // Whether collectives may be called from a second thread (the prefetch thread) while the
  // main thread calls others (MPI_THREAD_MULTIPLE).
  virtual bool concurrent_threads() const = 0;
  // Non-blocking all-to-all of bytes: send_bytes[r] bytes from `send` (consecutive by rank) go
  // to rank r, recv_bytes[s] bytes from rank s land in `recv` (consecutive by rank).
  virtual std::unique_ptr<Request> alltoallv_async(const void* send,
                                                   const std::vector<int64_t>& send_bytes,
                                                   void* recv,
                                                   const std::vector<int64_t>& recv_bytes) = 0;
  // In place: rank r's bytes[r] bytes at offset Σ bytes[< r] of `data` reach every rank.
  virtual void allgatherv(void* data, const std::vector<int64_t>& bytes) = 0;
  // A segment of `floats` floats per rank (sizes may differ) shared by this node's ranks.
  // Collective over the node.
  virtual std::unique_ptr<NodeSharedMemory> allocate_node_shared(size_t floats) = 0;
  // Waits for every rank of this node; what they wrote to shared memory before is visible after.
  virtual void node_barrier() = 0;
  // The ranks of this rank's local rank, one per node (rank order = node order), or null when
  // the nodes hold different numbers of ranks. Collective the first time.
  virtual Communicator* across_nodes() = 0;
  // Non-blocking max over ranks of *value, in place (keep *value alive until complete).
  virtual std::unique_ptr<Request> allreduce_max_async(int* value) = 0;
  // Ends every rank of the job with `code` (a lost or failing rank never leaves others hanging).
  [[noreturn]] virtual void abort(int code) = 0;
};

// The communicator of one process: every collective is the identity.
std::unique_ptr<Communicator> make_single_process_communicator();
// MPI_COMM_WORLD (initialises MPI).
std::unique_ptr<Communicator> make_mpi_communicator();
// MPI when started by mpirun / srun, the single process otherwise (plain `latent`).
std::unique_ptr<Communicator> make_communicator();
// Started by mpirun / srun (or another PMI launcher)?
bool launched_by_mpi();

}  // namespace latent
