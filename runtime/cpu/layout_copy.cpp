// A copy between the two layouts of a 4-d tensor (nchw and channels-last), one oneDNN reorder
// made once per shape and direction.
#include <map>
#include <memory>
#include <tuple>

#include "runtime/cpu/cpu_ops.hpp"
#include "runtime/cpu/engine.hpp"

namespace latent::cpu {

void copy_layout(const Tensor& src, Tensor& dst) {
  if (src.channels_last() == dst.channels_last()) return copy(src, dst);
  struct Plan {
    dnnl::reorder prim;
    dnnl::memory from, to;
  };
  static std::map<std::tuple<dims, bool>, std::unique_ptr<Plan>> cache;
  auto key = std::make_tuple(nchw_dims(src.shape()), src.channels_last());
  auto& slot = cache[key];
  if (!slot) {
    const dims& d = std::get<0>(key);
    auto from = plain_desc(d, src.channels_last() ? tag::nhwc : tag::nchw);
    auto to = plain_desc(d, dst.channels_last() ? tag::nhwc : tag::nchw);
    slot = std::make_unique<Plan>();
    slot->from = dnnl::memory(from, engine(), DNNL_MEMORY_NONE);
    slot->to = dnnl::memory(to, engine(), DNNL_MEMORY_NONE);
    slot->prim = dnnl::reorder(slot->from, slot->to);
  }
  bind(slot->from, src), bind(slot->to, dst);
  slot->prim.execute(stream(), slot->from, slot->to);
  stream().wait();
}

}  // namespace latent::cpu
