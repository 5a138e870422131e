#pragma once
// OutboxTransport is the embedded default transport: it delivers each
// message as an .eml file in a private directory (by default `outbox/` in
// the data directory), for development, tests, and hosts that pick mail up
// from disk. File naming is specified in docs/formats/mail-queue.md.

#include <filesystem>
#include <memory>

#include "common/clock.h"
#include "common/error.h"
#include "mail/transport.h"

namespace sr::mail {

class OutboxTransport final : public Transport {
 public:
  // Create makes `dir` (mode 0700, tightened if it exists) and returns a
  // transport writing into it. `clock` names the files and must outlive the
  // transport.
  static Result<std::unique_ptr<OutboxTransport>> Create(const std::filesystem::path& dir,
                                                         const Clock& clock);

  // Deliver writes `<dir>/<UTC time>-<message id>.eml` atomically (temporary
  // file, fsync, rename, directory fsync) with mode 0600. Thread-safe.
  Status Deliver(const RenderedMessage& message) override;

 private:
  OutboxTransport(std::filesystem::path dir, const Clock& clock)
      : dir_(std::move(dir)), clock_(clock) {}

  const std::filesystem::path dir_;
  const Clock& clock_;
};

}  // namespace sr::mail
