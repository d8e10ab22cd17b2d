// allreduce_bench: the cost of summing float gradients across MPI ranks, as a function of the
// message size, and a fit of t(n) = alpha + beta * n to it.
//
//   mpirun -np 2 build/bench/allreduce_bench [--out DIR] [--max-mib 64] [--reps-scale 1]
//
// For every size n = 4 B, 8 B, ..., 64 MiB (powers of two, floats, MPI_SUM) it times
//   allreduce   MPI_Allreduce(MPI_IN_PLACE, ...)          (what --overlap false does)
//   iallreduce  MPI_Iallreduce(MPI_IN_PLACE, ...) + MPI_Wait (what a gradient bucket does,
//               without the backward it would overlap)
//   pingpong    MPI_Send / MPI_Recv between ranks 0 and 1, half the round trip (the
//               point-to-point latency and bandwidth the collective is built from)
// Each repetition starts after an MPI_Barrier; its time is the maximum over ranks; the figure
// is the median over repetitions (min and 90th percentile are also written).
//
// Writes DIR/allreduce.csv (op,ranks,bytes,reps,median_s,min_s,p90_s,GBps) and
// DIR/allreduce_fit.csv (op,ranks,stat,regime,bytes_min,bytes_max,alpha_s,beta_s_per_byte,GBps,
// rms_rel_err): least squares, on the median and on the fastest repetition of each size, over
//   small  4 B .. 2 KiB       (latency regime: alpha is the figure that matters)
//   large  64 KiB .. 4 MiB    (bandwidth regime, messages that stay in cache: 1/beta; the
//                              gradient buckets of the models here are 0.5-2.2 MB)
//   huge   8 MiB .. 64 MiB    (bandwidth regime, messages that go through DRAM; on a loaded
//                              machine also the sizes a descheduled rank hits most)
//   all    every size         (for reference: one line does not fit all regimes)
// Every fit is weighted by 1/t^2 (relative error), so that 64 KiB counts as much as 4 MiB and
// the intercept is not set by the largest size of the range alone.
// The C API only (OpenMPI's C++ bindings warn under -Wextra).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct Point {
  std::string op;
  long long bytes;
  int reps;
  double median, min, p90;
};

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  double pos = q * (v.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos)), hi = static_cast<size_t>(std::ceil(pos));
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

// Repetitions: many for small messages (microseconds each), fewer for large ones, so every
// size takes roughly the same time (bounded below by 30: a median that survives the odd
// descheduled repetition on a shared machine).
int reps_for(long long bytes, double scale) {
  double r = 400.0 * scale;
  if (bytes > 64 * 1024) r = std::max(30.0, r * (64.0 * 1024) / bytes * 8);
  return std::max(30, static_cast<int>(std::min(r, 400.0 * scale)));
}

template <class F>
Point measure(const char* op, long long bytes, int reps, F&& once) {
  int warm = std::max(2, reps / 10);
  for (int i = 0; i < warm; ++i) once();
  std::vector<double> times;
  times.reserve(reps);
  for (int i = 0; i < reps; ++i) {
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    once();
    double dt = MPI_Wtime() - t0, worst = 0;
    MPI_Allreduce(&dt, &worst, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
    times.push_back(worst);
  }
  return Point{op, bytes, reps, quantile(times, 0.5), quantile(times, 0.0), quantile(times, 0.9)};
}

struct Fit {
  double alpha, beta, rms_rel;
};

// Weighted least squares of t = alpha + beta * n with weights 1/t^2 (minimises relative error),
// on the median (use_min false) or the fastest repetition (use_min true) of each size.
Fit fit(const std::vector<Point>& pts, const std::string& op, long long lo, long long hi,
        bool use_min) {
  double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  std::vector<const Point*> used;
  for (const Point& p : pts) {
    if (p.op != op || p.bytes < lo || p.bytes > hi) continue;
    double y = use_min ? p.min : p.median, w = 1.0 / (y * y), x = static_cast<double>(p.bytes);
    sw += w, sx += w * x, sy += w * y, sxx += w * x * x, sxy += w * x * y;
    used.push_back(&p);
  }
  Fit f{0, 0, 0};
  double det = sw * sxx - sx * sx;
  if (used.size() < 2 || det == 0) return f;
  f.beta = (sw * sxy - sx * sy) / det;
  f.alpha = (sy - f.beta * sx) / sw;
  double e2 = 0;
  for (const Point* p : used) {
    double y = use_min ? p->min : p->median, rel = (f.alpha + f.beta * p->bytes - y) / y;
    e2 += rel * rel;
  }
  f.rms_rel = std::sqrt(e2 / used.size());
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);

  std::string out = ".";
  double max_mib = 64, reps_scale = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        if (rank == 0) std::fprintf(stderr, "allreduce_bench: %s needs a value\n", name);
        MPI_Abort(MPI_COMM_WORLD, 2);
      }
      return argv[++i];
    };
    if (a == "--out")
      out = value("--out");
    else if (a == "--max-mib")
      max_mib = std::atof(value("--max-mib"));
    else if (a == "--reps-scale")
      reps_scale = std::atof(value("--reps-scale"));
    else {
      if (rank == 0)
        std::fprintf(stderr,
                     "usage: mpirun -np N allreduce_bench [--out DIR] [--max-mib 64] "
                     "[--reps-scale 1]\n");
      MPI_Finalize();
      return a == "--help" || a == "-h" ? 0 : 2;
    }
  }

  long long max_bytes = static_cast<long long>(max_mib * 1024 * 1024);
  std::vector<float> buf(static_cast<size_t>(std::max<long long>(1, max_bytes / 4)), 0.0f);
  std::vector<Point> pts;
  for (long long bytes = 4; bytes <= max_bytes; bytes *= 2) {
    int n = static_cast<int>(bytes / 4);
    int reps = reps_for(bytes, reps_scale);
    // Zeros: repeated in-place sums stay finite (and never denormal), and float addition
    // costs the same whatever the values.
    std::fill(buf.begin(), buf.begin() + n, 0.0f);
    pts.push_back(measure("allreduce", bytes, reps, [&] {
      MPI_Allreduce(MPI_IN_PLACE, buf.data(), n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    }));
    pts.push_back(measure("iallreduce", bytes, reps, [&] {
      MPI_Request req;
      MPI_Iallreduce(MPI_IN_PLACE, buf.data(), n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &req);
      MPI_Wait(&req, MPI_STATUS_IGNORE);
    }));
    if (size >= 2) {
      // Half a round trip between ranks 0 and 1; the other ranks idle (they still time 0 s,
      // and the max over ranks is rank 0's or rank 1's).
      Point p = measure("pingpong", bytes, reps, [&] {
        if (rank == 0) {
          MPI_Send(buf.data(), n, MPI_FLOAT, 1, 7, MPI_COMM_WORLD);
          MPI_Recv(buf.data(), n, MPI_FLOAT, 1, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        } else if (rank == 1) {
          MPI_Recv(buf.data(), n, MPI_FLOAT, 0, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
          MPI_Send(buf.data(), n, MPI_FLOAT, 0, 7, MPI_COMM_WORLD);
        }
      });
      p.median /= 2, p.min /= 2, p.p90 /= 2;
      pts.push_back(p);
    }
    if (rank == 0) {
      for (size_t k = pts.size() - (size >= 2 ? 3 : 2); k < pts.size(); ++k)
        std::fprintf(stderr, "%-10s %10lld B  %4d reps  median %10.2f us  (%.3f GB/s)\n",
                     pts[k].op.c_str(), pts[k].bytes, pts[k].reps, pts[k].median * 1e6,
                     pts[k].bytes / pts[k].median / 1e9);
    }
  }

  if (rank == 0) {
    std::ofstream csv(out + "/allreduce.csv");
    csv << "op,ranks,bytes,reps,median_s,min_s,p90_s,GBps\n";
    for (const Point& p : pts)
      csv << p.op << ',' << size << ',' << p.bytes << ',' << p.reps << ',' << p.median << ','
          << p.min << ',' << p.p90 << ',' << p.bytes / p.median / 1e9 << '\n';

    std::ofstream fcsv(out + "/allreduce_fit.csv");
    fcsv << "op,ranks,stat,regime,bytes_min,bytes_max,alpha_s,beta_s_per_byte,GBps,rms_rel_err\n";
    struct Regime {
      const char* name;
      long long lo, hi;
    };
    const Regime regimes[] = {{"small", 4, 2048},
                              {"large", 64 << 10, 4 << 20},
                              {"huge", 8 << 20, max_bytes},
                              {"all", 4, max_bytes}};
    for (bool use_min : {false, true})
      for (const char* op : {"allreduce", "iallreduce", "pingpong"})
        for (const Regime& r : regimes) {
          if (std::string(op) == "pingpong" && size < 2) continue;
          Fit f = fit(pts, op, r.lo, r.hi, use_min);
          const char* stat = use_min ? "min" : "median";
          fcsv << op << ',' << size << ',' << stat << ',' << r.name << ',' << r.lo << ',' << r.hi
               << ',' << f.alpha << ',' << f.beta << ',' << (f.beta > 0 ? 1e-9 / f.beta : 0) << ','
               << f.rms_rel << '\n';
          std::fprintf(
              stderr,
              "fit %-6s %-10s %-5s alpha %8.2f us  beta %.3g s/B (1/beta %.2f GB/s)  rms rel "
              "err %.1f%%\n",
              stat, op, r.name, f.alpha * 1e6, f.beta, f.beta > 0 ? 1e-9 / f.beta : 0.0,
              100 * f.rms_rel);
        }
    std::fprintf(stderr, "wrote %s/allreduce.csv and %s/allreduce_fit.csv\n", out.c_str(),
                 out.c_str());
  }
  MPI_Finalize();
  return 0;
}
