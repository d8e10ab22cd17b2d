// Matrix multiply through cuBLAS. Tensors are row-major; cuBLAS is column-major, and a row-major
// C = op(A)·op(B) is the column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, so the call takes B first.
// fp32 is strict (cublasSgemm, no tensor cores); tf32 and bf16 keep float32 matrices and let
// cuBLAS round the inputs on tensor cores (CUBLAS_COMPUTE_32F_FAST_TF32 / _FAST_16BF), always
// accumulating in fp32.
#include "runtime/cuda/cuda_ops.hpp"
#include "runtime/cuda/launch.cuh"

namespace latent::cuda {
namespace {

__global__ void add_bias_rows(float* c, const float* bias, int64_t rows, int64_t cols) {
  LATENT_FOR_EACH(i, rows * cols) c[i] += bias[i % cols];
}

}  // namespace

void matmul(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, Tensor& c,
            bool accumulate, const Tensor* bias, ops::Math math) {
  const int64_t m = c.dim(0), n = c.shape().per_sample();
  const int64_t k = trans_a ? a.dim(0) : a.shape().per_sample();
  const float one = 1.0f, beta = accumulate ? 1.0f : 0.0f;
  // Leading dimensions: the row length of each matrix as stored.
  const int64_t lda = a.shape().per_sample(), ldb = b.shape().per_sample();
  const cublasOperation_t op_b = trans_b ? CUBLAS_OP_T : CUBLAS_OP_N,
                          op_a = trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
  if (math == ops::Math::kFp32) {
    check(cublasSgemm(context().blas, op_b, op_a, static_cast<int>(n), static_cast<int>(m),
                      static_cast<int>(k), &one, b.data(), static_cast<int>(ldb), a.data(),
                      static_cast<int>(lda), &beta, c.data(), static_cast<int>(n)),
          "cublasSgemm");
  } else {
    const cublasComputeType_t compute =
        math == ops::Math::kBf16 ? CUBLAS_COMPUTE_32F_FAST_16BF : CUBLAS_COMPUTE_32F_FAST_TF32;
    check(cublasGemmEx(context().blas, op_b, op_a, static_cast<int>(n), static_cast<int>(m),
                       static_cast<int>(k), &one, b.data(), CUDA_R_32F, static_cast<int>(ldb),
                       a.data(), CUDA_R_32F, static_cast<int>(lda), &beta, c.data(), CUDA_R_32F,
                       static_cast<int>(n), compute, CUBLAS_GEMM_DEFAULT),
          "cublasGemmEx");
  }
  if (bias) {
    add_bias_rows<<<blocks_for(m * n), kThreads, 0, stream()>>>(c.data(), bias->data(), m, n);
    check_launch("add_bias_rows");
  }
}

}  // namespace latent::cuda
