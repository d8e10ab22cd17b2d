// Matrix multiply through cuBLAS. Tensors are row-major; cuBLAS is column-major, and a row-major
// C = op(A)·op(B) is the column-major Cᵀ = op(B)ᵀ·op(A)ᵀ, so the call takes B first.
#include "runtime/cuda/cuda_ops.hpp"
#include "runtime/cuda/launch.cuh"

namespace latent::cuda {
namespace {

__global__ void add_bias_rows(float* c, const float* bias, int64_t rows, int64_t cols) {
  LATENT_FOR_EACH(i, rows * cols) c[i] += bias[i % cols];
}

}  // namespace

void matmul(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, Tensor& c,
            bool accumulate, const Tensor* bias) {
  const int64_t m = c.dim(0), n = c.shape().per_sample();
  const int64_t k = trans_a ? a.dim(0) : a.shape().per_sample();
  const float one = 1.0f, beta = accumulate ? 1.0f : 0.0f;
  // Leading dimensions: the row length of each matrix as stored.
  const int64_t lda = a.shape().per_sample(), ldb = b.shape().per_sample();
  check(cublasSgemm(context().blas, trans_b ? CUBLAS_OP_T : CUBLAS_OP_N,
                    trans_a ? CUBLAS_OP_T : CUBLAS_OP_N, static_cast<int>(n), static_cast<int>(m),
                    static_cast<int>(k), &one, b.data(), static_cast<int>(ldb), a.data(),
                    static_cast<int>(lda), &beta, c.data(), static_cast<int>(n)),
        "cublasSgemm");
  if (bias) {
    add_bias_rows<<<blocks_for(m * n), kThreads, 0, stream()>>>(c.data(), bias->data(), m, n);
    check_launch("add_bias_rows");
  }
}

}  // namespace latent::cuda
