// oneDNN's part of the version line (runtime/build_info.hpp).
#include <oneapi/dnnl/dnnl.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "runtime/build_info.hpp"

namespace latent {
namespace {

// oneDNN 2.6's names of its instruction sets (dnnl_types.h), as DNNL_MAX_CPU_ISA spells them.
std::string isa_name(dnnl_cpu_isa_t isa) {
  switch (isa) {
    case dnnl_cpu_isa_all:
      return "all";
    case dnnl_cpu_isa_sse41:
      return "sse41";
    case dnnl_cpu_isa_avx:
      return "avx";
    case dnnl_cpu_isa_avx2:
      return "avx2";
    case dnnl_cpu_isa_avx2_vnni:
      return "avx2_vnni";
    case dnnl_cpu_isa_avx512_mic:
      return "avx512_mic";
    case dnnl_cpu_isa_avx512_mic_4ops:
      return "avx512_mic_4ops";
    case dnnl_cpu_isa_avx512_core:
      return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni:
      return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16:
      return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx:
      return "avx512_core_amx";
  }
  char hex[32];
  std::snprintf(hex, sizeof hex, "isa 0x%x", static_cast<unsigned>(isa));
  return hex;
}

}  // namespace

std::string onednn_info() {
  const dnnl_version_t* v = dnnl_version();
  std::string text = "oneDNN " + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                     std::to_string(v->patch);
  // Debian's build says "N/A"; a build from oneDNN's sources names its commit.
  if (v->hash && std::string(v->hash) != "N/A" && *v->hash) text += " " + std::string(v->hash);
  return text + " (" + isa_name(dnnl_get_effective_cpu_isa()) + ")";
}

std::string onednn_bf16_missing() {
  const dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa();
  if (isa == dnnl_cpu_isa_avx512_core_bf16 || isa == dnnl_cpu_isa_avx512_core_amx) return "";
  std::string limit;
  for (const char* name : {"ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"})
    if (const char* value = std::getenv(name)) limit = std::string(" (") + name + "=" + value + ")";
  return "oneDNN's kernels on this CPU run " + isa_name(isa) + limit +
         ", which lacks avx512_bf16 and AMX (the native bf16 instructions); oneDNN would emulate "
         "bf16 in fp32 arithmetic, slower than --precision fp32";
}

}  // namespace latent
