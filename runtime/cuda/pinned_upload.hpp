#pragma once
// Uploads from the caller's pageable memory without waiting for them. The values are copied
// into a pinned staging buffer (a host memcpy, at memory speed) and the transfer is queued from
// there, so the caller may reuse its memory at once and the host runs ahead of the GPU. A ring
// of buffers bounds how far: a buffer is refilled only after its last transfer has landed.
#include <cstddef>

namespace latent::cuda {

// Queues dst[0, bytes) = src[0, bytes) on the context's stream. Uploads larger than a staging
// buffer may be (a checkpoint's biggest tensor) are copied directly and waited for.
void upload(const void* src, void* dst, size_t bytes);

}  // namespace latent::cuda
