#include "io/checkpoint_seal.hpp"

#include <zlib.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "runtime/error.hpp"

namespace latent {
namespace {

// Text, so that `head -c 200 checkpoint.h5` shows it; the rest of the block is zeros.
constexpr char kMagic[] = "latent checkpoint seal 1\n";

uint32_t crc_of(const char* data, size_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes a uInt length: feed files over 4 GB in pieces.
  while (size > 0) {
    const uInt piece = size > (1u << 30) ? (1u << 30) : static_cast<uInt>(size);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data), piece);
    data += piece;
    size -= piece;
  }
  return static_cast<uint32_t>(crc);
}

}  // namespace

void seal_checkpoint_image(std::vector<char>& image) {
  if (image.size() < kCheckpointSealBytes)
    throw std::logic_error("seal_checkpoint_image: image smaller than its user block");
  const size_t body = image.size() - kCheckpointSealBytes;
  char text[kCheckpointSealBytes] = {};
  std::snprintf(text, sizeof text, "%sbytes %zu\ncrc32 %08" PRIx32 "\n", kMagic, body,
                crc_of(image.data() + kCheckpointSealBytes, body));
  std::memcpy(image.data(), text, kCheckpointSealBytes);
}

bool starts_with_checkpoint_seal(const std::vector<char>& bytes) {
  const size_t magic = sizeof kMagic - 1;
  return bytes.size() >= magic && std::memcmp(bytes.data(), kMagic, magic) == 0;
}

void verify_checkpoint_seal(const std::vector<char>& file, const std::string& path) {
  const size_t magic = sizeof kMagic - 1;
  const std::string damaged = "checkpoint " + path + " is damaged: ";
  const std::string advice = " (was it altered, or copied only in part? use an intact copy)";
  if (file.size() < kCheckpointSealBytes)
    throw UserError(damaged + "it ends inside its 512-byte seal, at byte " +
                    std::to_string(file.size()) + advice);
  // The block is zero-padded text; read it as a bounded string.
  const std::string text(file.data() + magic,
                         strnlen(file.data() + magic, kCheckpointSealBytes - magic));
  unsigned long long bytes = 0;
  unsigned crc = 0;
  if (std::sscanf(text.c_str(), "bytes %llu\ncrc32 %8x\n", &bytes, &crc) != 2)
    throw UserError(damaged + "its seal (the first 512 bytes) is unreadable" + advice);
  const size_t body = file.size() - kCheckpointSealBytes;
  if (bytes != body)
    throw UserError(damaged + "its seal promises " + std::to_string(bytes) +
                    " bytes after the seal, the file holds " + std::to_string(body) + advice);
  const uint32_t found = crc_of(file.data() + kCheckpointSealBytes, body);
  if (found != crc) {
    char numbers[64];
    std::snprintf(numbers, sizeof numbers, "CRC-32 %08x, expected %08x", found, crc);
    throw UserError(damaged + "its contents have " + numbers + advice);
  }
}

}  // namespace latent
