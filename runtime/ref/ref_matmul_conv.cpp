// Reference matrix multiply, row sums, convolution and transposed convolution.
#include <vector>

#include "runtime/ref/layout_index.hpp"
#include "runtime/ref/ref_ops.hpp"

namespace latent::ref {
namespace {

// Calls f(xi, wi, yi), the memory offsets of x, w and y, for every product x·w that enters y.
// A tap joins the small-side position s and the kernel offset k to the big-side position
// s·stride - pad + k; a convolution's big side is its input, a transposed one's its output.
// Weights are w[o, c, kh, kw] for both (oneDNN's oihw, o the output channel, no flip).
template <class F>
void for_each_tap(const Tensor& x, const Tensor& w, const Tensor& y, bool transposed,
                  const ConvGeometry& g, F f) {
  const Tensor& small = transposed ? x : y;
  const Tensor& big = transposed ? y : x;
  const int64_t outs = w.dim(0), ins = w.dim(1), k = w.dim(2);
  for (int64_t n = 0; n < x.dim(0); ++n)
    for (int64_t o = 0; o < outs; ++o)
      for (int64_t c = 0; c < ins; ++c)
        for (int64_t sh = 0; sh < height(small); ++sh)
          for (int64_t sw = 0; sw < width(small); ++sw)
            for (int64_t kh = 0; kh < k; ++kh)
              for (int64_t kw = 0; kw < k; ++kw) {
                const int64_t bh = sh * g.stride - g.pad + kh, bw = sw * g.stride - g.pad + kw;
                if (bh < 0 || bh >= height(big) || bw < 0 || bw >= width(big)) continue;
                const int64_t xi = transposed ? offset(x, n, c, sh, sw) : offset(x, n, c, bh, bw);
                const int64_t yi = transposed ? offset(y, n, o, bh, bw) : offset(y, n, o, sh, sw);
                f(xi, ((o * ins + c) * k + kh) * k + kw, yi);
              }
}

void forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y, const ConvGeometry& g,
             bool transposed) {
  std::vector<double> acc(y.numel(), 0.0);
  for_each_tap(x, w, y, transposed, g, [&](int64_t xi, int64_t wi, int64_t yi) {
    acc[yi] += static_cast<double>(x.data()[xi]) * w.data()[wi];
  });
  for_each_index(y, [&](int64_t n, int64_t o, int64_t h, int64_t wc) {
    const int64_t i = offset(y, n, o, h, wc);
    y.data()[i] = static_cast<float>(acc[i] + (b ? b->data()[o] : 0.0));
  });
}

void backward_data(const Tensor& dy, const Tensor& w, Tensor& dx, const ConvGeometry& g,
                   bool transposed) {
  std::vector<double> acc(dx.numel(), 0.0);
  for_each_tap(dx, w, dy, transposed, g, [&](int64_t xi, int64_t wi, int64_t yi) {
    acc[xi] += static_cast<double>(dy.data()[yi]) * w.data()[wi];
  });
  for (int64_t i = 0; i < dx.numel(); ++i) dx.data()[i] = static_cast<float>(acc[i]);
}

void backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                      const ConvGeometry& g, bool transposed) {
  std::vector<double> acc(dw.numel(), 0.0), acc_b(dw.dim(0), 0.0);
  for_each_tap(x, dw, dy, transposed, g, [&](int64_t xi, int64_t wi, int64_t yi) {
    acc[wi] += static_cast<double>(x.data()[xi]) * dy.data()[yi];
  });
  for_each_index(dy, [&](int64_t n, int64_t o, int64_t h, int64_t wc) {
    acc_b[o] += dy.data()[offset(dy, n, o, h, wc)];
  });
  for (int64_t i = 0; i < dw.numel(); ++i) dw.data()[i] += static_cast<float>(acc[i]);
  if (db)
    for (int64_t o = 0; o < db->numel(); ++o) db->data()[o] += static_cast<float>(acc_b[o]);
}

}  // namespace

void matmul(const Tensor& a, bool trans_a, const Tensor& b, bool trans_b, Tensor& c,
            bool accumulate, const Tensor* bias) {
  const int64_t m = c.dim(0), n = c.shape().per_sample(), k = a.numel() / m;
  auto a_at = [&](int64_t i, int64_t q) {
    return trans_a ? a.data()[q * m + i] : a.data()[i * k + q];
  };
  auto b_at = [&](int64_t q, int64_t j) {
    return trans_b ? b.data()[j * k + q] : b.data()[q * n + j];
  };
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = (accumulate ? c.data()[i * n + j] : 0.0) + (bias ? bias->data()[j] : 0.0);
      for (int64_t q = 0; q < k; ++q) s += static_cast<double>(a_at(i, q)) * b_at(q, j);
      c.data()[i * n + j] = static_cast<float>(s);
    }
}

void sum_rows(const Tensor& x, Tensor& y, bool accumulate) {
  const int64_t rows = x.dim(0), cols = x.shape().per_sample();
  for (int64_t j = 0; j < cols; ++j) {
    double s = accumulate ? y.data()[j] : 0.0;
    for (int64_t n = 0; n < rows; ++n) s += x.data()[n * cols + j];
    y.data()[j] = static_cast<float>(s);
  }
}

void conv2d_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                    const ConvGeometry& g) {
  forward(x, w, b, y, g, false);
}
void conv2d_backward_data(const Tensor& dy, const Tensor& w, Tensor& dx, const ConvGeometry& g) {
  backward_data(dy, w, dx, g, false);
}
void conv2d_backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                             const ConvGeometry& g) {
  backward_weights(x, dy, dw, db, g, false);
}
void deconv2d_forward(const Tensor& x, const Tensor& w, const Tensor* b, Tensor& y,
                      const ConvGeometry& g) {
  forward(x, w, b, y, g, true);
}
void deconv2d_backward_data(const Tensor& dy, const Tensor& w, Tensor& dx, const ConvGeometry& g) {
  backward_data(dy, w, dx, g, true);
}
void deconv2d_backward_weights(const Tensor& x, const Tensor& dy, Tensor& dw, Tensor* db,
                               const ConvGeometry& g) {
  backward_weights(x, dy, dw, db, g, true);
}

}  // namespace latent::ref
