"""Helpers shared by the PyTorch peers: thread pinning before torch loads, environment facts."""
import datetime
import os
import platform
import sys


def pin_threads(n, blas_threads=None):
    """Must run before `import torch` (and numpy's BLAS) so the pools start with n threads
    (OpenBLAS's own pool with blas_threads, default n)."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)
    os.environ["OPENBLAS_NUM_THREADS"] = str(blas_threads or n)


def start_torch(threads, seed=None, blas_threads=None):
    """Pins the thread pools, imports torch with them and seeds it; returns the torch module.
    Debian's torch runs its own OpenMP pool beside OpenBLAS's pthread pool; with both at 2 on 2
    cores they spin against each other (bench/compare.sh picks the peer's best split)."""
    pin_threads(threads, blas_threads)
    import torch

    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(threads)
    except RuntimeError:  # already set once in this process
        pass
    if seed is not None:
        torch.manual_seed(seed)
    return torch


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def loaded_blas():
    """The BLAS/LAPACK shared objects actually mapped into this process."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                p = line.split()[-1] if len(line.split()) >= 6 else ""
                base = os.path.basename(p)
                if any(k in base for k in ("blas", "lapack", "mkl")):
                    libs.add(os.path.realpath(p))
    except OSError:
        pass
    return sorted(libs)


def thread_pools():
    """What threadpoolctl sees: for OpenBLAS the kernel it picked (the machines' OPENBLAS_CORETYPE
    forces a slower one), for every pool its thread count. None without threadpoolctl."""
    try:
        import threadpoolctl
    except ImportError:
        return None
    keys = ("internal_api", "version", "architecture", "num_threads", "filepath")
    return [{k: d.get(k) for k in keys} for d in threadpoolctl.threadpool_info()]


def environment(torch, threads):
    return {
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "threads_requested": threads,
        "blas_loaded": loaded_blas(),
        "thread_pools": thread_pools(),
        "openblas_env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
        "mkldnn": bool(torch.backends.mkldnn.is_available()),
        "cpu": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "host": platform.node(),
        "loadavg_1_5_15": [round(v, 2) for v in os.getloadavg()],
        "time": datetime.datetime.now().isoformat(timespec="seconds"),
    }


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def amp(torch, on):
    """--amp: torch.autocast to bf16 on the CPU around the forward passes (PyTorch's mixed
    precision; backward runs in the forward's types), or a context that changes nothing."""
    return torch.autocast("cpu", dtype=torch.bfloat16, enabled=bool(on))


def dcgan_step(G, D, opt_g, opt_d, x, z, use_amp=False):
    """One DCGAN round as latent's gan kind runs it: a discriminator step (BCE on the real batch
    and on G(z)), then a generator step (non-saturating) on the same fakes. Returns loss_d,
    loss_g and D's logits on the real and the fake batch (for the peers' statistics). With
    use_amp the forward passes run under autocast to bf16."""
    import torch
    import torch.nn.functional as F
    with amp(torch, use_amp):
        fake = G(z)
        lr_ = D(x)
        lf_ = D(fake.detach())
        loss_d = (F.binary_cross_entropy_with_logits(lr_.float(), torch.ones_like(lr_).float())
                  + F.binary_cross_entropy_with_logits(lf_.float(), torch.zeros_like(lf_).float()))
    opt_d.zero_grad(set_to_none=True)
    loss_d.backward()
    opt_d.step()
    with amp(torch, use_amp):
        lg_ = D(fake)
        loss_g = F.binary_cross_entropy_with_logits(lg_.float(), torch.ones_like(lg_).float())
    opt_g.zero_grad(set_to_none=True)
    loss_g.backward()
    opt_g.step()
    return loss_d, loss_g, lr_, lf_
