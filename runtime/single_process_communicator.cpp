#include <unistd.h>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "runtime/communicator.hpp"

namespace latent {
namespace {

class Done : public Communicator::Request {
 public:
  void wait() override {}
  bool test() override { return true; }
};

// One process's "shared" memory is its own.
class PrivateMemory : public NodeSharedMemory {
 public:
  explicit PrivateMemory(size_t floats) : data_(std::max<size_t>(floats, 1)) {}
  float* segment(int) const override { return const_cast<float*>(data_.data()); }

 private:
  std::vector<float> data_;
};

class SingleProcess : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  int local_rank() const override { return 0; }
  int local_size() const override { return 1; }
  std::string node_name() const override {
    char name[256] = {0};
    gethostname(name, sizeof(name) - 1);
    return name;
  }
  void allreduce_sum(float*, size_t) override {}
  std::unique_ptr<Request> allreduce_sum_async(float*, size_t) override {
    return std::make_unique<Done>();
  }
  void allreduce_sum(double*, size_t) override {}
  std::unique_ptr<Request> reduce_scatter_sum_async(float*, const std::vector<int64_t>&) override {
    return std::make_unique<Done>();
  }
  std::unique_ptr<Request> allgather_async(float*, const std::vector<int64_t>&) override {
    return std::make_unique<Done>();
  }
  int allreduce_max(int value) override { return value; }
  int local_count_of(uint64_t) override { return 1; }
  void broadcast(float*, size_t, int) override {}
  void broadcast(int64_t*, size_t, int) override {}
  void broadcast(std::string&, int) override {}
  void barrier() override {}
  std::unique_ptr<Communicator> duplicate() override { return std::make_unique<SingleProcess>(); }
  bool concurrent_threads() const override { return true; }
  std::unique_ptr<Request> alltoallv_async(const void* send, const std::vector<int64_t>& send_bytes,
                                           void* recv, const std::vector<int64_t>&) override {
    if (send != recv) std::memcpy(recv, send, static_cast<size_t>(send_bytes.at(0)));
    return std::make_unique<Done>();
  }
  std::unique_ptr<Request> allreduce_max_async(int*) override { return std::make_unique<Done>(); }
  void allgatherv(void*, const std::vector<int64_t>&) override {}
  std::unique_ptr<NodeSharedMemory> allocate_node_shared(size_t floats) override {
    return std::make_unique<PrivateMemory>(floats);
  }
  void node_barrier() override {}
  Communicator* across_nodes() override { return this; }
  [[noreturn]] void abort(int code) override { std::exit(code); }
};

}  // namespace

std::unique_ptr<Communicator> make_single_process_communicator() {
  return std::make_unique<SingleProcess>();
}

}  // namespace latent
