#include "io/comparison_grid.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace latent {

ImageGrid draw_comparison_grid(const std::string& path, const std::vector<const Tensor*>& sets,
                               int64_t count, int64_t columns) {
  const Tensor& first = *sets.front();
  const int64_t per = first.numel() / first.dim(0);
  const int64_t rows = (count + columns - 1) / columns;
  Shape shape = first.shape();
  shape[0] = rows * columns * static_cast<int64_t>(sets.size());
  Tensor grid(shape);  // zero (black) where the last row has no sample
  int64_t slot = 0;
  for (int64_t r = 0; r < rows; ++r)
    for (const Tensor* set : sets)
      for (int64_t c = 0; c < columns; ++c, ++slot) {
        int64_t i = r * columns + c;
        if (i < count)
          std::memcpy(grid.data() + slot * per, set->data() + i * per, per * sizeof(float));
      }
  int64_t side = first.rank() == 2 ? static_cast<int64_t>(std::lround(std::sqrt(per))) : 0;
  GridOptions o;
  o.columns = columns;
  o.row_group = static_cast<int64_t>(sets.size());
  o.group_gap = sets.size() > 1 ? 4 : 0;
  return draw_image_grid(path, grid, side, side, o);
}

void write_comparison_grid(const std::string& path, const std::vector<const Tensor*>& sets,
                           int64_t count, int64_t columns) {
  write_png(path, draw_comparison_grid(path, sets, count, columns).png);
}

}  // namespace latent
