#include <gtest/gtest.h>

#include "runtime/threads.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // One thread per test process: ctest may run several at once on a 2-core machine.
  latent::set_num_threads(1);
  return RUN_ALL_TESTS();
}
