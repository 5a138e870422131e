// config_fuzz: arbitrary text as strongroom.toml. ParseConfig reads no file
// (the path only anchors relative paths and names the source), so this runs
// without touching the file system. A loaded Config must keep the documented
// promises (absolute paths, an https public URL, a one-line From); a refusal
// is kInvalidArgument with a single-line message, and nothing may throw.

#include <optional>
#include <string>

#include "config/config.h"
#include "fuzz_util.h"

namespace sr::config {
namespace {

void CheckPaths(std::initializer_list<const std::filesystem::path*> paths) {
  for (const std::filesystem::path* p : paths) SR_FUZZ_CHECK(p->is_absolute());
}

void CheckOptionalPath(const std::optional<std::filesystem::path>& path) {
  SR_FUZZ_CHECK(!path || path->is_absolute());
}

void FuzzToml(std::string_view text) {
  static const std::filesystem::path kFile = "/tmp/fuzz.toml";
  Result<Config> config = ParseConfig(text, kFile);
  if (!config) {
    SR_FUZZ_CHECK(config.error().code() == ErrorCode::kInvalidArgument);
    SR_FUZZ_CHECK(config.error().message().find_first_of("\r\n") == std::string::npos);
    return;
  }
  CheckPaths({&config->tls.certificate, &config->tls.private_key, &config->store.path,
              &config->keys.root_key_file, &config->content.blob_dir, &config->mail.outbox_dir,
              &config->mail.queue_path});
  CheckOptionalPath(config->passwords.breached_file);
  CheckOptionalPath(config->mail.smtp_password_file);
  CheckOptionalPath(config->mail.smtp_ca_file);
  const std::string& url = config->server.public_url;
  SR_FUZZ_CHECK(url.starts_with("https://") && url.size() > 8 && !url.ends_with('/'));
  SR_FUZZ_CHECK(!config->server.listen.host.empty());
  SR_FUZZ_CHECK(!config->mail.from.empty() &&
                config->mail.from.find_first_of("\r\n") == std::string::npos);
  SR_FUZZ_CHECK(config->mail.transport != "smtp" || !config->mail.smtp_host.empty());
  Result<Config> again = ParseConfig(text, kFile);
  SR_FUZZ_CHECK(again && *again == *config);
}

}  // namespace
}  // namespace sr::config

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sr::config::FuzzToml(sr::fuzz::AsText(data, size));
  return 0;
}
