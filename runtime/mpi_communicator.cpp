// The MPI communicator (OpenMPI): one rank per process, started by mpirun or srun.
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/communicator.hpp"

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

class MpiRequest : public Communicator::Request {
 public:
  MPI_Request request = MPI_REQUEST_NULL;
  void wait() override { check(MPI_Wait(&request, MPI_STATUS_IGNORE), "MPI_Wait"); }
  bool test() override {
    int done = 0;
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "MPI_Test");
    return done != 0;
  }
};

class MpiCommunicator : public Communicator {
 public:
  MpiCommunicator() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
      int provided = 0;
      // Only the main thread calls MPI (the prefetch threads read files, never communicate).
      check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
      owns_init_ = true;
    }
    // Errors come back as codes (turned into exceptions, then MPI_Abort), never a silent hang.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node_);
    MPI_Comm_set_errhandler(node_, MPI_ERRORS_RETURN);
    MPI_Comm_rank(node_, &local_rank_);
    MPI_Comm_size(node_, &local_size_);
    char name[MPI_MAX_PROCESSOR_NAME];
    int len = 0;
    MPI_Get_processor_name(name, &len);
    node_name_.assign(name, len);
  }
  ~MpiCommunicator() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Comm_free(&node_);
    if (owns_init_) MPI_Finalize();
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int local_rank() const override { return local_rank_; }
  int local_size() const override { return local_size_; }
  std::string node_name() const override { return node_name_; }

  void allreduce_sum(float* data, size_t n) override {
    check(MPI_Allreduce(MPI_IN_PLACE, data, count(n), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD),
          "MPI_Allreduce");
  }
  std::unique_ptr<Request> allreduce_sum_async(float* data, size_t n) override {
    auto r = std::make_unique<MpiRequest>();
    check(MPI_Iallreduce(MPI_IN_PLACE, data, count(n), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD,
                         &r->request),
          "MPI_Iallreduce");
    return r;
  }
  void allreduce_sum(double* data, size_t n) override {
    check(MPI_Allreduce(MPI_IN_PLACE, data, count(n), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD),
          "MPI_Allreduce");
  }
  int allreduce_max(int value) override {
    check(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD),
          "MPI_Allreduce");
    return value;
  }
  int local_count_of(uint64_t key) override {
    std::vector<uint64_t> keys(local_size_);
    check(MPI_Allgather(&key, 1, MPI_UINT64_T, keys.data(), 1, MPI_UINT64_T, node_),
          "MPI_Allgather");
    return static_cast<int>(std::count(keys.begin(), keys.end(), key));
  }
  void broadcast(float* data, size_t n, int root) override {
    check(MPI_Bcast(data, count(n), MPI_FLOAT, root, MPI_COMM_WORLD), "MPI_Bcast");
  }
  void broadcast(int64_t* data, size_t n, int root) override {
    check(MPI_Bcast(data, count(n), MPI_INT64_T, root, MPI_COMM_WORLD), "MPI_Bcast");
  }
  void broadcast(std::string& text, int root) override {
    int len = static_cast<int>(text.size());
    check(MPI_Bcast(&len, 1, MPI_INT, root, MPI_COMM_WORLD), "MPI_Bcast");
    text.resize(len);
    check(MPI_Bcast(text.data(), len, MPI_CHAR, root, MPI_COMM_WORLD), "MPI_Bcast");
  }
  void barrier() override { check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier"); }
  [[noreturn]] void abort(int code) override {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::exit(code);
  }

 private:
  static int count(size_t n) {
    if (n > static_cast<size_t>(INT32_MAX))
      throw std::length_error("MPI message over 2^31 elements");
    return static_cast<int>(n);
  }
  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
  MPI_Comm node_ = MPI_COMM_NULL;  // the ranks sharing this node's memory
  bool owns_init_ = false;
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
