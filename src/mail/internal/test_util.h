#pragma once
// Helpers for the mail module's tests only: file reading and writing, a field
// cipher, fake transports, and child processes (the Python SMTP sink and the
// .eml decoder in tests/e2e/smtp_sink.py). The temporary directory is
// sr::testing::TempDir from common/testing/temp_dir.h.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "crypto/field_cipher.h"
#include "crypto/random.h"
#include "crypto/subkeys.h"
#include "mail/transport.h"

extern char** environ;

namespace sr::mail::testing {

inline constexpr const char* kPython = "/usr/bin/python3";

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void WriteFile(const std::filesystem::path& path, std::string_view data, mode_t mode) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
  ::chmod(path.c_str(), mode);
}

inline mode_t FileMode(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

inline std::shared_ptr<const crypto::FieldCipher> MakeCipher() {
  auto deriver = crypto::KeyDeriver::Create(crypto::RandomKey());
  auto cipher = crypto::FieldCipher::Create(*deriver);
  return std::make_shared<const crypto::FieldCipher>(*std::move(cipher));
}

inline std::filesystem::path SourceDir() {
  if (const char* env = std::getenv("SR_SOURCE_DIR"); env != nullptr && *env != '\0') return env;
#ifdef SR_SOURCE_DIR
  return SR_SOURCE_DIR;
#else
  return std::filesystem::current_path();
#endif
}

inline std::filesystem::path SmtpSinkScript() { return SourceDir() / "tests/e2e/smtp_sink.py"; }

// Spawn starts `argv` with stdout and stderr sent to `log` (if not empty).
// Returns the pid, or -1.
inline pid_t Spawn(const std::vector<std::string>& argv, const std::filesystem::path& log = {}) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!log.empty()) {
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
  }
  pid_t pid = -1;
  if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Run runs `argv` to completion and returns its exit status (-1 on failure).
inline int Run(const std::vector<std::string>& argv, const std::filesystem::path& log = {}) {
  const pid_t pid = Spawn(argv, log);
  if (pid < 0) return -1;
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline bool HaveAiosmtpd() {
  return ::access(kPython, X_OK) == 0 && Run({kPython, "-c", "import aiosmtpd"}, "/dev/null") == 0;
}

// DecodeEml runs smtp_sink.py --decode on `path` and returns its JSON text
// (Python's email module's view of the message), or "" on failure.
inline std::string DecodeEml(const std::filesystem::path& path, const std::filesystem::path& out) {
  if (Run({kPython, SmtpSinkScript().string(), "--decode", path.string()}, out) != 0) return "";
  return ReadFile(out);
}

// WaitFor polls `done` every 10 ms for up to `timeout` of real time.
inline bool WaitFor(const std::function<bool()>& done,
                    std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// FakeTransport records deliveries in a state the test keeps after handing
// the transport to a mailer. It fails while `fail` is set; with `block` set
// it waits in Deliver until Abort.
struct FakeTransportState {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<RenderedMessage> delivered;
  int calls = 0;
  bool fail = false;
  bool block = false;
  bool in_deliver = false;
  bool aborted = false;

  int Calls() {
    std::lock_guard lock(mu);
    return calls;
  }
  std::vector<RenderedMessage> Delivered() {
    std::lock_guard lock(mu);
    return delivered;
  }
};

class FakeTransport final : public Transport {
 public:
  explicit FakeTransport(std::shared_ptr<FakeTransportState> state) : state_(std::move(state)) {}

  Status Deliver(const RenderedMessage& message) override {
    std::unique_lock lock(state_->mu);
    ++state_->calls;
    if (state_->block) {
      state_->in_deliver = true;
      state_->cv.notify_all();
      state_->cv.wait(lock, [&] { return state_->aborted; });
      state_->in_deliver = false;
      return Fail(ErrorCode::kUnavailable, "fake transport aborted");
    }
    if (state_->fail) return Fail(ErrorCode::kUnavailable, "fake relay refused (421)");
    state_->delivered.push_back(message);
    return Ok();
  }

  void Abort() override {
    std::lock_guard lock(state_->mu);
    state_->aborted = true;
    state_->cv.notify_all();
  }

 private:
  std::shared_ptr<FakeTransportState> state_;
};

}  // namespace sr::mail::testing
