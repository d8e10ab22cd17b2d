#include "runtime/mpi_stall_watch.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "runtime/stall_watchdog.hpp"

namespace latent {
namespace {

constexpr int kQuestionTag = 1, kAnswerTag = 2;
constexpr int kHostBytes = 64, kOperationBytes = 64;

// A rank's answer to "where are you?".
struct Answer {
  int64_t step = -1;
  int32_t waiting = 0;  // 1: its training thread waits in `operation`
  char operation[kOperationBytes] = {};
};

struct Identity {
  int64_t pid = 0;
  char host[kHostBytes] = {};
};

void check(int rc, const char* what) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  throw std::runtime_error(std::string(what) + ": " + std::string(text, len));
}

// How long a stalled rank waits for answers: a live peer in a wait answers within a poll.
double grace_seconds() {
  return std::clamp(stall_timeout() / 5, 1.0, 10.0);
}

std::string step_text(int64_t step) {
  return step < 0 ? "before training" : "at step " + std::to_string(step);
}

}  // namespace

MpiStallWatch::MpiStallWatch(MPI_Comm world) : training_thread_(std::this_thread::get_id()) {
  check(MPI_Comm_dup(world, &watch_), "MPI_Comm_dup");
  MPI_Comm_set_errhandler(watch_, MPI_ERRORS_RETURN);
  MPI_Comm_rank(watch_, &rank_);
  MPI_Comm_size(watch_, &size_);
  Identity me;
  me.pid = static_cast<int64_t>(::getpid());
  ::gethostname(me.host, kHostBytes - 1);
  std::vector<Identity> all(size_);
  check(MPI_Allgather(&me, sizeof me, MPI_BYTE, all.data(), sizeof me, MPI_BYTE, watch_),
        "MPI_Allgather");
  for (const Identity& i : all) peers_.push_back(Peer{static_cast<long>(i.pid), i.host});
}

MpiStallWatch::~MpiStallWatch() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized && watch_ != MPI_COMM_NULL) MPI_Comm_free(&watch_);
}

std::string MpiStallWatch::describe(int rank) const {
  return "rank " + std::to_string(rank) + " (" + peers_[rank].host + ", PID " +
         std::to_string(peers_[rank].pid) + ")";
}

void MpiStallWatch::answer_questions() {
  while (true) {
    int found = 0;
    MPI_Message message;
    MPI_Status status;
    // Matched probe and receive: safe when the prefetch thread answers too.
    if (MPI_Improbe(MPI_ANY_SOURCE, kQuestionTag, watch_, &found, &message, &status) !=
            MPI_SUCCESS ||
        !found)
      return;
    int64_t question = 0;
    MPI_Mrecv(&question, 1, MPI_INT64_T, &message, MPI_STATUS_IGNORE);
    Answer a;
    a.step = stall_step();
    const char* op = training_waits_in_.load();
    a.waiting = op != nullptr;
    if (op) std::strncpy(a.operation, op, kOperationBytes - 1);
    // Small enough to go eagerly: the asker has its receive posted.
    MPI_Send(&a, sizeof a, MPI_BYTE, status.MPI_SOURCE, kAnswerTag, watch_);
  }
}

void MpiStallWatch::wait(MPI_Request& request, const char* operation) {
  int done = 0;
  check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), operation);
  if (done) return;
  const bool training = std::this_thread::get_id() == training_thread_;
  if (training) training_waits_in_ = operation;
  struct Clear {
    std::atomic<const char*>* slot;
    ~Clear() {
      if (slot) *slot = nullptr;
    }
  } clear{training ? &training_waits_in_ : nullptr};
  PatientWait patience;
  double waited_before = 0;  // earlier rounds, when a lower rank was left to report
  while (true) {
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), operation);
    if (done) return;
    answer_questions();
    if (!patience.pause()) {
      ask_peers_or_report(request, operation, waited_before + patience.seconds());
      if (request == MPI_REQUEST_NULL) return;
      waited_before += patience.seconds();
      patience = PatientWait();
    }
  }
}

void MpiStallWatch::ask_peers_or_report(MPI_Request& request, const char* operation,
                                        double waited) {
  std::vector<Answer> answers(size_);
  std::vector<MPI_Request> pending(2 * size_, MPI_REQUEST_NULL);
  const int64_t question = stall_step();
  for (int r = 0; r < size_; ++r) {
    if (r == rank_) continue;
    MPI_Irecv(&answers[r], sizeof(Answer), MPI_BYTE, r, kAnswerTag, watch_, &pending[r]);
    MPI_Isend(&question, 1, MPI_INT64_T, r, kQuestionTag, watch_, &pending[size_ + r]);
  }
  std::vector<bool> answered(size_, false);
  answered[rank_] = true;
  const auto until =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(grace_seconds());
  int done = 0;
  while (std::chrono::steady_clock::now() < until) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) break;  // the peers arrived after all: no stall
    answer_questions();
    bool all = true;
    for (int r = 0; r < size_; ++r) {
      int got = 0;
      if (!answered[r]) MPI_Test(&pending[r], &got, MPI_STATUS_IGNORE);
      answered[r] = answered[r] || got;
      all = all && answered[r];
    }
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!done) MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  for (int r = 0; r < size_; ++r) {  // what never came is abandoned (the job ends, or goes on)
    if (!answered[r] && pending[r] != MPI_REQUEST_NULL) {
      MPI_Cancel(&pending[r]);
      MPI_Request_free(&pending[r]);
    }
    if (pending[size_ + r] != MPI_REQUEST_NULL) MPI_Request_free(&pending[size_ + r]);
  }
  if (done) return;
  // A lower rank that waits too reports; this one goes on waiting until the job ends.
  for (int r = 0; r < rank_; ++r)
    if (answered[r] && answers[r].waiting) return;

  std::string arrived, missing;
  for (int r = 0; r < size_; ++r) {
    if (r == rank_) continue;
    const Answer& a = answers[r];
    if (answered[r] && a.waiting && a.step == question &&
        std::strncmp(a.operation, operation, kOperationBytes) == 0) {
      arrived += (arrived.empty() ? "" : ", ") + std::to_string(r);
      continue;
    }
    missing += "\n  " + describe(r) + ": ";
    if (!answered[r]) {
      char secs[32];
      std::snprintf(secs, sizeof secs, "%.0f", grace_seconds());
      missing += std::string("no answer in ") + secs +
                 " s (stopped, hung in I/O or a long computation, or gone)";
    } else if (a.waiting) {
      missing += step_text(a.step) + ", waiting in " + std::string(a.operation);
    } else {
      missing += step_text(a.step) + ", not waiting for its peers (busy)";
    }
  }
  char head[512];
  std::snprintf(head, sizeof head,
                "latent: rank %d (%s, PID %ld) waited %.0f s for its peers in %s %s "
                "(--stall-timeout %g); ranks that did not arrive:",
                rank_, peers_[rank_].host.c_str(), peers_[rank_].pid, waited, operation,
                step_text(question).c_str(), stall_timeout());
  std::fprintf(stderr, "%s%s\n%s; ending the job with exit status %d\n", head, missing.c_str(),
               arrived.empty() ? "  no other rank waits with it"
                               : ("  waiting with it: ranks " + arrived).c_str(),
               kStallExitStatus);
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, kStallExitStatus);
  std::_Exit(kStallExitStatus);
}

}  // namespace latent
