// Convolutions and batch norm through cuDNN's legacy API. cuDNN 9 deprecates it in favour of
// the graph API, but it is still shipped (9.14 has every call here), far shorter, and its
// algorithm heuristics need no GPU time; the deprecation warning is silenced here alone, the
// one file that calls it.
//
// Each tensor is described with its own layout's strides (channels-last or nchw), so no reorders
// are made; weights are always oihw. Plans (descriptors, chosen algorithms, workspace sizes) are
// made once per problem and kept. Every call runs on the context's stream (the handle is bound
// to it) and returns without waiting.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#include "runtime/cuda/cudnn_legacy.hpp"

#include "runtime/cuda/bf16_convert.hpp"

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "runtime/cuda/cuda_check.hpp"
#include "runtime/cuda/cuda_context.hpp"
#include "runtime/cuda/cuda_ops.hpp"
#include "runtime/cuda/device_allocator.hpp"
#include "runtime/error.hpp"

namespace latent::cuda {
namespace {

struct TensorDesc {
  cudnnTensorDescriptor_t d = nullptr;
  explicit TensorDesc(const Dims4& s, cudnnDataType_t type = CUDNN_DATA_FLOAT) {
    check(cudnnCreateTensorDescriptor(&d), "cudnnCreateTensorDescriptor");
    // Strides in elements of n, c, h, w for the tensor's own memory order.
    const int cs = s.channels_last ? 1 : s.h * s.w;
    const int hs = s.channels_last ? s.w * s.c : s.w;
    const int ws = s.channels_last ? s.c : 1;
    check(cudnnSetTensor4dDescriptorEx(d, type, s.n, s.c, s.h, s.w, s.c * s.h * s.w, cs, hs, ws),
          "cudnnSetTensor4dDescriptorEx");
  }
  TensorDesc() { check(cudnnCreateTensorDescriptor(&d), "cudnnCreateTensorDescriptor"); }
  ~TensorDesc() { cudnnDestroyTensorDescriptor(d); }
  TensorDesc(const TensorDesc&) = delete;
  TensorDesc& operator=(const TensorDesc&) = delete;
};

std::tuple<int, int, int, int, bool> key_of(const Dims4& d) {
  return {d.n, d.c, d.h, d.w, d.channels_last};
}

std::string str(const Dims4& d) {
  return "[" + std::to_string(d.n) + "," + std::to_string(d.c) + "," + std::to_string(d.h) + "," +
         std::to_string(d.w) + (d.channels_last ? "] channels-last" : "]");
}

std::string describe(const ConvProblem& p) {
  return "x " + str(p.x) + ", filter [" + std::to_string(p.k) + "," + std::to_string(p.c) + "," +
         std::to_string(p.r) + "," + std::to_string(p.r) + "], y " + str(p.y) + ", stride " +
         std::to_string(p.stride) + ", pad " + std::to_string(p.pad);
}

// The usable algorithms, best first, with their workspace sizes.
template <class Algo>
using Ranked = std::vector<std::pair<Algo, size_t>>;

// The heuristics' ranking kept to deterministic algorithms (the same seed gives the same run),
// and in strict FP32 to those without tensor cores; cuDNN's support for the problem is confirmed
// by asking for each one's workspace. Empty when none qualifies: the caller relayouts (below),
// never taking a nondeterministic algorithm.
template <class Algo, class Perf, class WorkspaceOf>
Ranked<Algo> rank(const Perf* perf, int count, WorkspaceOf workspace_of, const ConvProblem& p) {
  Ranked<Algo> out;
  for (int i = 0; i < count; ++i) {
    const Perf& q = perf[i];
    if (q.status != CUDNN_STATUS_SUCCESS || q.determinism != CUDNN_DETERMINISTIC) continue;
    const bool tensor_op =
        q.mathType == CUDNN_TENSOR_OP_MATH || q.mathType == CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;
    if (tensor_op && p.math == ops::Math::kFp32) continue;
    size_t bytes = 0;
    if (workspace_of(q.algo, &bytes) != CUDNN_STATUS_SUCCESS) continue;
    out.emplace_back(q.algo, bytes);
  }
  return out;
}

// Runs run(algo, workspace, bytes) with the first ranked algorithm cuDNN accepts. One it refuses
// as not supported (the heuristics can be optimistic about mixed layouts) is dropped for good;
// a refused call has queued nothing, so the next one starts from the same inputs.
template <class Algo, class Run>
void run_ranked(Ranked<Algo>& ranked, const char* call, Run run) {
  for (;;) {
    const auto [algo, bytes] = ranked.front();
    std::unique_ptr<DeviceScratch> workspace;
    try {
      workspace = std::make_unique<DeviceScratch>(bytes);
    } catch (const UserError&) {  // the device is full: an algorithm with less workspace may fit
      if (ranked.size() == 1) throw;
      ranked.erase(ranked.begin());
      continue;
    }
    const cudnnStatus_t status = run(algo, workspace->get(), bytes);
    if (status == CUDNN_STATUS_NOT_SUPPORTED && ranked.size() > 1) {
      ranked.erase(ranked.begin());
      continue;
    }
    check(status, call);
    return;
  }
}

cudnnDataType_t data_type(ops::Math m) {
  return m == ops::Math::kBf16 ? CUDNN_DATA_BFLOAT16 : CUDNN_DATA_FLOAT;
}

cudnnMathType_t math_type(ops::Math m) {
  switch (m) {
    case ops::Math::kFp32:
      return CUDNN_FMA_MATH;  // CUDNN_DEFAULT_MATH would allow TF32
    case ops::Math::kTf32:
      return CUDNN_DEFAULT_MATH;
    case ops::Math::kBf16:
      return CUDNN_TENSOR_OP_MATH;
  }
  return CUDNN_FMA_MATH;
}

struct ConvPlan {
  TensorDesc x, y;
  cudnnFilterDescriptor_t f = nullptr;
  cudnnConvolutionDescriptor_t conv = nullptr;
  // Chosen on first use of each direction.
  // Unset until ranked on first use; ranked but empty: no deterministic algorithm (relayout).
  std::optional<Ranked<cudnnConvolutionFwdAlgo_t>> fwd;
  std::optional<Ranked<cudnnConvolutionBwdDataAlgo_t>> data;
  std::optional<Ranked<cudnnConvolutionBwdFilterAlgo_t>> filter;

  explicit ConvPlan(const ConvProblem& p) : x(p.x, data_type(p.math)), y(p.y, data_type(p.math)) {
    check(cudnnCreateFilterDescriptor(&f), "cudnnCreateFilterDescriptor");
    check(cudnnSetFilter4dDescriptor(f, data_type(p.math), CUDNN_TENSOR_NCHW, p.k, p.c, p.r, p.r),
          "cudnnSetFilter4dDescriptor");
    check(cudnnCreateConvolutionDescriptor(&conv), "cudnnCreateConvolutionDescriptor");
    // Cross-correlation: the kernel is not flipped (oneDNN's and the reference's convention).
    check(cudnnSetConvolution2dDescriptor(conv, p.pad, p.pad, p.stride, p.stride, 1, 1,
                                          CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT),
          "cudnnSetConvolution2dDescriptor");
    // Sums in float whatever the data type.
    check(cudnnSetConvolutionMathType(conv, math_type(p.math)), "cudnnSetConvolutionMathType");
  }
  ~ConvPlan() {
    cudnnDestroyConvolutionDescriptor(conv);
    cudnnDestroyFilterDescriptor(f);
  }
  ConvPlan(const ConvPlan&) = delete;
  ConvPlan& operator=(const ConvPlan&) = delete;
};

ConvPlan& plan_for(const ConvProblem& p) {
  using Key = std::tuple<std::tuple<int, int, int, int, bool>, std::tuple<int, int, int, int, bool>,
                         int, int, int, int, int, int>;
  static std::map<Key, std::unique_ptr<ConvPlan>> cache;
  auto& slot = cache[Key{key_of(p.x), key_of(p.y), p.k, p.c, p.r, p.stride, p.pad,
                         static_cast<int>(p.math)}];
  if (!slot) slot = std::make_unique<ConvPlan>(p);
  return *slot;
}

constexpr int kMaxAlgos = 16;

int64_t elements(const Dims4& d) {
  return int64_t{d.n} * d.c * d.h * d.w;
}
int64_t filter_elements(const ConvProblem& p) {
  return int64_t{p.k} * p.c * p.r * p.r;
}

// What a cuDNN call reads and writes: the float tensors themselves, or in bf16 rounded copies of
// the inputs and a bf16 output that finish() widens into the float one (applying beta there).
class Operands {
 public:
  explicit Operands(ops::Math math) : bf16_(math == ops::Math::kBf16) {}
  const void* in(const float* t, int64_t n) {
    if (!bf16_) return t;
    void* copy = block(n);
    round_to_bf16(t, copy, n);
    return copy;
  }
  void* out(float* t, int64_t n) {
    if (!bf16_) return t;
    out_ = t, out_n_ = n, out_block_ = block(n);
    return out_block_;
  }
  // The beta cuDNN is given: bf16 outputs are written afresh and widened with `beta` by finish().
  float beta(float beta) const { return bf16_ ? 0.0f : beta; }
  void finish(float beta) {
    if (bf16_) widen_from_bf16(out_block_, out_, out_n_, beta);
  }

 private:
  void* block(int64_t n) {
    blocks_.push_back(std::make_unique<DeviceScratch>(static_cast<size_t>(n) * 2));
    return blocks_.back()->get();
  }
  bool bf16_;
  std::vector<std::unique_ptr<DeviceScratch>> blocks_;
  float* out_ = nullptr;
  int64_t out_n_ = 0;
  void* out_block_ = nullptr;
};

// A problem's activations in one layout, when cuDNN has no deterministic algorithm for its own
// pairing (mixed layouts may have none): both channels-last, tensor cores' own layout, or both
// nchw where they already were channels-last. The caller copies its tensors over and back.
ConvProblem uniform_layout(const ConvProblem& p) {
  ConvProblem q = p;
  q.x.channels_last = q.y.channels_last = !(p.x.channels_last && p.y.channels_last);
  return q;
}

std::runtime_error no_algorithm(const char* what, const ConvProblem& p) {
  return std::runtime_error(std::string("cuDNN: no deterministic ") + ops::math_name(p.math) +
                            " algorithm for " + what + " of " + describe(p) +
                            ", in its own layouts or in one layout");
}

// Said once per problem and direction, on stderr: the run stays deterministic, at a copy's cost.
void say_relayout(const char* what, const ConvProblem& p, const ConvProblem& q) {
  static std::set<std::string> said;
  const std::string line = std::string(what) + " of " + describe(p);
  if (!said.insert(line).second) return;
  std::fprintf(
      stderr, "latent: cuDNN has no deterministic %s algorithm for %s; it runs on copies %s\n",
      ops::math_name(p.math), line.c_str(), q.x.channels_last ? "in channels-last" : "in nchw");
}

// An activation of a problem in another layout (uniform_layout's): a scratch copy, filled from the
// caller's tensor for an input, copied back into it by write_back() for an output.
class Relayouted {
 public:
  Relayouted(const float* data, const Dims4& from, const Dims4& to, bool input)
      : block_(static_cast<size_t>(elements(from)) * sizeof(float)),
        user_(wrap(const_cast<float*>(data), from)),
        copy_(wrap(block_.as<float>(), to)) {
    if (input) copy_layout(user_, copy_);
  }
  float* data() { return copy_.data(); }
  void write_back() { copy_layout(copy_, user_); }

 private:
  static Tensor wrap(float* data, const Dims4& d) {
    Tensor t = Tensor::wrap(data, Shape{d.n, d.c, d.h, d.w}, Device::kCuda);
    t.set_channels_last(d.channels_last);
    return t;
  }
  DeviceScratch block_;
  Tensor user_, copy_;
};

}  // namespace

Dims4 dims4(const Tensor& t) {
  if (t.rank() != 2 && t.rank() != 4)
    throw std::invalid_argument("cuDNN: expects a [N,C] or [N,C,H,W] tensor, got " +
                                t.shape().str());
  Dims4 d;
  d.n = static_cast<int>(t.dim(0));
  d.c = static_cast<int>(t.dim(1));
  if (t.rank() == 4) d.h = static_cast<int>(t.dim(2)), d.w = static_cast<int>(t.dim(3));
  d.channels_last = t.channels_last();
  return d;
}

namespace {

void conv_forward(const ConvProblem& p, const float* x, const float* f, float* y,
                  bool may_relayout) {
  ConvPlan& plan = plan_for(p);
  cudnnHandle_t h = dnn_handle();
  if (!plan.fwd) {
    cudnnConvolutionFwdAlgoPerf_t perf[kMaxAlgos];
    int count = 0;
    check(cudnnGetConvolutionForwardAlgorithm_v7(h, plan.x.d, plan.f, plan.conv, plan.y.d,
                                                 kMaxAlgos, &count, perf),
          "cudnnGetConvolutionForwardAlgorithm_v7");
    plan.fwd = rank<cudnnConvolutionFwdAlgo_t>(
        perf, count,
        [&](cudnnConvolutionFwdAlgo_t a, size_t* bytes) {
          return cudnnGetConvolutionForwardWorkspaceSize(h, plan.x.d, plan.f, plan.conv, plan.y.d,
                                                         a, bytes);
        },
        p);
  }
  if (plan.fwd->empty()) {
    if (!may_relayout) throw no_algorithm("convolution forward", p);
    const ConvProblem q = uniform_layout(p);
    say_relayout("convolution forward", p, q);
    Relayouted xs(x, p.x, q.x, true), ys(y, p.y, q.y, false);
    conv_forward(q, xs.data(), f, ys.data(), false);
    ys.write_back();
    return;
  }
  const float one = 1.0f, zero = 0.0f;
  Operands io(p.math);
  const void *xs = io.in(x, elements(p.x)), *fs = io.in(f, filter_elements(p));
  void* ys = io.out(y, elements(p.y));
  run_ranked(*plan.fwd, "cudnnConvolutionForward",
             [&](cudnnConvolutionFwdAlgo_t a, void* workspace, size_t bytes) {
               return cudnnConvolutionForward(h, &one, plan.x.d, xs, plan.f, fs, plan.conv, a,
                                              workspace, bytes, &zero, plan.y.d, ys);
             });
  io.finish(0.0f);
}

void conv_backward_data(const ConvProblem& p, const float* dy, const float* f, float* dx,
                        bool may_relayout) {
  ConvPlan& plan = plan_for(p);
  cudnnHandle_t h = dnn_handle();
  if (!plan.data) {
    cudnnConvolutionBwdDataAlgoPerf_t perf[kMaxAlgos];
    int count = 0;
    check(cudnnGetConvolutionBackwardDataAlgorithm_v7(h, plan.f, plan.y.d, plan.conv, plan.x.d,
                                                      kMaxAlgos, &count, perf),
          "cudnnGetConvolutionBackwardDataAlgorithm_v7");
    plan.data = rank<cudnnConvolutionBwdDataAlgo_t>(
        perf, count,
        [&](cudnnConvolutionBwdDataAlgo_t a, size_t* bytes) {
          return cudnnGetConvolutionBackwardDataWorkspaceSize(h, plan.f, plan.y.d, plan.conv,
                                                              plan.x.d, a, bytes);
        },
        p);
  }
  if (plan.data->empty()) {
    if (!may_relayout) throw no_algorithm("convolution backward data", p);
    const ConvProblem q = uniform_layout(p);
    say_relayout("convolution backward data", p, q);
    Relayouted dys(dy, p.y, q.y, true), dxs(dx, p.x, q.x, false);
    conv_backward_data(q, dys.data(), f, dxs.data(), false);
    dxs.write_back();
    return;
  }
  const float one = 1.0f, zero = 0.0f;
  Operands io(p.math);
  const void *fs = io.in(f, filter_elements(p)), *dys = io.in(dy, elements(p.y));
  void* dxs = io.out(dx, elements(p.x));
  run_ranked(*plan.data, "cudnnConvolutionBackwardData",
             [&](cudnnConvolutionBwdDataAlgo_t a, void* workspace, size_t bytes) {
               return cudnnConvolutionBackwardData(h, &one, plan.f, fs, plan.y.d, dys, plan.conv, a,
                                                   workspace, bytes, &zero, plan.x.d, dxs);
             });
  io.finish(0.0f);
}

void conv_backward_filter(const ConvProblem& p, const float* x, const float* dy, float* df,
                          float beta, bool may_relayout) {
  ConvPlan& plan = plan_for(p);
  cudnnHandle_t h = dnn_handle();
  if (!plan.filter) {
    cudnnConvolutionBwdFilterAlgoPerf_t perf[kMaxAlgos];
    int count = 0;
    check(cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, plan.x.d, plan.y.d, plan.conv, plan.f,
                                                        kMaxAlgos, &count, perf),
          "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
    plan.filter = rank<cudnnConvolutionBwdFilterAlgo_t>(
        perf, count,
        [&](cudnnConvolutionBwdFilterAlgo_t a, size_t* bytes) {
          return cudnnGetConvolutionBackwardFilterWorkspaceSize(h, plan.x.d, plan.y.d, plan.conv,
                                                                plan.f, a, bytes);
        },
        p);
  }
  if (plan.filter->empty()) {
    if (!may_relayout) throw no_algorithm("convolution backward filter", p);
    const ConvProblem q = uniform_layout(p);
    say_relayout("convolution backward filter", p, q);
    Relayouted xs(x, p.x, q.x, true), dys(dy, p.y, q.y, true);
    conv_backward_filter(q, xs.data(), dys.data(), df, beta, false);
    return;
  }
  const float one = 1.0f;
  Operands io(p.math);
  const void *xs = io.in(x, elements(p.x)), *dys = io.in(dy, elements(p.y));
  void* dfs = io.out(df, filter_elements(p));
  const float call_beta = io.beta(beta);
  run_ranked(*plan.filter, "cudnnConvolutionBackwardFilter",
             [&](cudnnConvolutionBwdFilterAlgo_t a, void* workspace, size_t bytes) {
               return cudnnConvolutionBackwardFilter(h, &one, plan.x.d, xs, plan.y.d, dys,
                                                     plan.conv, a, workspace, bytes, &call_beta,
                                                     plan.f, dfs);
             });
  io.finish(beta);
}

}  // namespace

void dnn_conv_forward(const ConvProblem& p, const float* x, const float* f, float* y) {
  conv_forward(p, x, f, y, true);
}

void dnn_conv_backward_data(const ConvProblem& p, const float* dy, const float* f, float* dx) {
  conv_backward_data(p, dy, f, dx, true);
}

void dnn_conv_backward_filter(const ConvProblem& p, const float* x, const float* dy, float* df,
                              float beta) {
  conv_backward_filter(p, x, dy, df, beta, true);
}

namespace {

// Spatial mode: statistics per channel over N, H and W ([N,C] as [N,C,1,1]: over N).
constexpr cudnnBatchNormMode_t kSpatial = CUDNN_BATCHNORM_SPATIAL;

struct BatchnormPlan {
  TensorDesc x, channel;  // the data (x, y, dy, dx share it) and the [1,C,1,1] parameters
  explicit BatchnormPlan(const Dims4& d) : x(d) {
    check(cudnnDeriveBNTensorDescriptor(channel.d, x.d, kSpatial), "cudnnDeriveBNTensorDescriptor");
  }
};

BatchnormPlan& batchnorm_plan(const Dims4& d) {
  static std::map<std::tuple<int, int, int, int, bool>, std::unique_ptr<BatchnormPlan>> cache;
  auto& slot = cache[key_of(d)];
  if (!slot) slot = std::make_unique<BatchnormPlan>(d);
  return *slot;
}

}  // namespace

void dnn_batchnorm_infer(const Dims4& d, const float* x, const float* scale, const float* shift,
                         const float* mean, const float* var, double eps, float* y) {
  BatchnormPlan& plan = batchnorm_plan(d);
  const float one = 1.0f, zero = 0.0f;
  check(cudnnBatchNormalizationForwardInference(dnn_handle(), kSpatial, &one, &zero, plan.x.d, x,
                                                plan.x.d, y, plan.channel.d, scale, shift, mean,
                                                var, eps),
        "cudnnBatchNormalizationForwardInference");
}

void dnn_batchnorm_backward(const Dims4& d, const float* x, const float* dy, const float* scale,
                            const float* mean, const float* inv_std, double eps, float* dx,
                            float* dscale, float* dshift) {
  BatchnormPlan& plan = batchnorm_plan(d);
  // Data gradient overwritten (beta 0), parameter gradients accumulated (beta 1).
  const float one = 1.0f, zero = 0.0f;
  check(cudnnBatchNormalizationBackward(dnn_handle(), kSpatial, &one, &zero, &one, &one, plan.x.d,
                                        x, plan.x.d, dy, plan.x.d, dx, plan.channel.d, scale,
                                        dscale, dshift, eps, mean, inv_std),
        "cudnnBatchNormalizationBackward");
}

}  // namespace latent::cuda
