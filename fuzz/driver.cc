// driver.cc runs a libFuzzer target (LLVMFuzzerTestOneInput) without
// libFuzzer, for compilers that lack -fsanitize=fuzzer (g++). It runs every
// seed, then a bounded, deterministic mutation loop without coverage
// feedback, so that each target is a fast regression test under ASan+UBSan.
// Built only when SR_LIBFUZZER is OFF; see fuzz/README.md.
//
// Usage: <target> [-runs=N] [-seed=N] [-max_len=N] [-max_total_time=S]
//                 [-artifact_prefix=P] CORPUS_DIR_OR_FILE...
// The flags mean what libFuzzer's do, except that -runs counts mutated
// inputs only (default 20000; -1 = unbounded) and $SR_FUZZ_RUNS, when set,
// overrides it. On a crash, sanitizer report or failed check, the input
// goes to stderr in hex and to <artifact_prefix>crash-<target>.

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);
// Present only when a sanitizer runtime is linked in.
extern "C" __attribute__((weak)) void __sanitizer_set_death_callback(void (*callback)());

namespace {

using Bytes = std::vector<std::uint8_t>;

// The input under test and where to save it, for ReportCrash.
const std::uint8_t* g_input = nullptr;
std::size_t g_input_size = 0;
std::string g_artifact;
volatile sig_atomic_t g_reported = 0;

void WriteAll(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n <= 0) return;
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

void WriteText(std::string_view text) { WriteAll(STDERR_FILENO, text.data(), text.size()); }

void WriteNumber(std::size_t value) {
  char buf[24];
  char* end = buf + sizeof(buf);
  char* p = end;
  do {
    *--p = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  WriteAll(STDERR_FILENO, p, static_cast<std::size_t>(end - p));
}

// ReportCrash writes the input under test to stderr (hex, first 4 KiB) and
// to g_artifact. Async-signal-safe; reports once.
void ReportCrash() {
  if (g_reported != 0 || g_input == nullptr) return;
  g_reported = 1;
  WriteText("\n==driver== crashing input, ");
  WriteNumber(g_input_size);
  WriteText(" bytes, saved to ");
  WriteText(g_artifact);
  WriteText("\n==driver== hex: ");
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t shown = std::min<std::size_t>(g_input_size, 4096);
  for (std::size_t i = 0; i < shown; ++i) {
    const char pair[2] = {kHex[g_input[i] >> 4], kHex[g_input[i] & 15]};
    WriteAll(STDERR_FILENO, pair, 2);
  }
  WriteText(shown < g_input_size ? "...\n" : "\n");
  const int fd = ::open(g_artifact.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    WriteAll(fd, g_input, g_input_size);
    ::close(fd);
  }
}

void OnFatalSignal(int sig) {
  ReportCrash();
  ::raise(sig);  // SA_RESETHAND restored the default action
}

void InstallCrashReporting() {
  std::vector<int> signals = {SIGABRT};  // failed checks, uncaught exceptions
  if (__sanitizer_set_death_callback != nullptr) {
    __sanitizer_set_death_callback(ReportCrash);  // ASan reports, UBSan errors, ASan's SEGV
  } else {
    signals.insert(signals.end(), {SIGSEGV, SIGBUS, SIGFPE, SIGILL});
  }
  struct sigaction action = {};
  action.sa_handler = OnFatalSignal;
  action.sa_flags = SA_RESETHAND | SA_NODEFER;
  for (int sig : signals) ::sigaction(sig, &action, nullptr);
}

void RunOne(const Bytes& input) {
  // An exactly sized heap copy, as libFuzzer makes, so ASan sees overreads.
  auto copy = std::make_unique<std::uint8_t[]>(input.size());
  std::copy(input.begin(), input.end(), copy.get());
  g_input = copy.get();
  g_input_size = input.size();
  LLVMFuzzerTestOneInput(copy.get(), input.size());
  g_input = nullptr;
}

struct Options {
  std::uint64_t runs = 20000;
  std::uint64_t seed = 1;
  std::size_t max_len = 0;        // 0: max(4096, largest seed)
  std::uint64_t max_seconds = 0;  // 0: no time limit
  std::string artifact_prefix = "./";
  std::vector<std::string> inputs;
};

bool ParseNumber(std::string_view text, std::uint64_t& out) {
  if (text == "-1") {
    out = UINT64_MAX;
    return true;
  }
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool ParseOptions(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (!arg.starts_with('-')) {
      options.inputs.emplace_back(arg);
      continue;
    }
    const std::size_t eq = arg.find('=');
    const std::string_view name = arg.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : arg.substr(eq + 1);
    std::uint64_t number = 0;
    const bool numeric = ParseNumber(value, number);
    if (name == "-artifact_prefix") {
      options.artifact_prefix = value;
    } else if (name == "-runs" && numeric) {
      options.runs = number;
    } else if (name == "-seed" && numeric) {
      options.seed = number;
    } else if (name == "-max_len" && numeric) {
      options.max_len = static_cast<std::size_t>(number);
    } else if (name == "-max_total_time" && numeric) {
      options.max_seconds = number;
    } else if (name == "-runs" || name == "-seed" || name == "-max_len" ||
               name == "-max_total_time") {
      std::fprintf(stderr, "driver: %s needs a number\n", argv[i]);
      return false;
    } else {
      std::fprintf(stderr, "driver: ignoring unsupported flag %s\n", argv[i]);
    }
  }
  // After the flags, so that it can lengthen the runs the ctests ask for.
  if (const char* env = std::getenv("SR_FUZZ_RUNS"); env != nullptr && *env != '\0') {
    if (!ParseNumber(env, options.runs)) {
      std::fprintf(stderr, "driver: SR_FUZZ_RUNS is not a number: %s\n", env);
      return false;
    }
  }
  return true;
}

bool ReadFile(const std::filesystem::path& path, Bytes& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

// LoadCorpus reads every regular file named, or inside a directory named
// (sorted by name, so runs are reproducible). A missing path is an error, so
// a misconfigured test cannot pass by running nothing.
bool LoadCorpus(const std::vector<std::string>& paths, std::vector<Bytes>& corpus) {
  namespace fs = std::filesystem;
  for (const std::string& name : paths) {
    std::error_code ec;
    std::vector<fs::path> files;
    if (fs::is_directory(name, ec)) {
      for (const fs::directory_entry& entry : fs::directory_iterator(name, ec)) {
        if (entry.is_regular_file(ec)) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
    } else if (fs::is_regular_file(name, ec)) {
      files.emplace_back(name);
    } else {
      std::fprintf(stderr, "driver: no such corpus file or directory: %s\n", name.c_str());
      return false;
    }
    for (const fs::path& file : files) {
      Bytes bytes;
      if (!ReadFile(file, bytes)) {
        std::fprintf(stderr, "driver: cannot read %s\n", file.c_str());
        return false;
      }
      corpus.push_back(std::move(bytes));
    }
  }
  return true;
}

// Mutator changes inputs the way libFuzzer's default mutators do, minus
// anything that needs coverage: bit flips, byte and integer overwrites, byte
// insertion and deletion, chunk duplication, splices with and chunks from
// other corpus entries, truncation. Deterministic for a given seed.
class Mutator {
 public:
  Mutator(std::uint64_t seed, const std::vector<Bytes>& corpus, std::size_t max_len)
      : rng_(seed), corpus_(corpus), max_len_(max_len) {}

  std::uint64_t Below(std::uint64_t n) { return n == 0 ? 0 : rng_() % n; }

  // Mutate applies one to four mutations to `data` and caps it at max_len.
  void Mutate(Bytes& data) {
    const std::uint64_t count = 1 + Below(4);
    for (std::uint64_t i = 0; i < count; ++i) {
      for (int attempt = 0; attempt < 8 && !MutateOnce(data); ++attempt) {
      }
    }
    if (data.size() > max_len_) data.resize(max_len_);
  }

 private:
  // Bytes that matter to text and binary parsers alike.
  static constexpr std::array<std::uint8_t, 24> kInteresting = {
      0x00, 0x01, 0x7f, 0x80, 0xff, '0', '1', '9', '-', '%',  '/', '.',
      ',',  ' ',  '"',  '\\', '[',  ']', '{', '}', '=', '\n', 'e', 0xc2};

  std::uint8_t SomeByte() {
    return Below(2) == 0 ? kInteresting[Below(kInteresting.size())]
                         : static_cast<std::uint8_t>(rng_());
  }
  std::size_t Index(std::size_t size) { return static_cast<std::size_t>(Below(size)); }
  // ChunkLength is 1 to min(available, limit).
  std::size_t ChunkLength(std::size_t available, std::size_t limit) {
    return 1 + Index(std::min(available, limit));
  }
  const Bytes& OtherEntry() { return corpus_[Index(corpus_.size())]; }

  bool MutateOnce(Bytes& d) {
    const std::size_t size = d.size();
    switch (Below(10)) {
      case 0:  // flip a bit
        if (size == 0) return false;
        d[Index(size)] ^= static_cast<std::uint8_t>(1u << Below(8));
        return true;
      case 1:  // overwrite a byte
        if (size == 0) return false;
        d[Index(size)] = SomeByte();
        return true;
      case 2:  // insert a byte
        if (size >= max_len_) return false;
        d.insert(d.begin() + static_cast<std::ptrdiff_t>(Index(size + 1)), SomeByte());
        return true;
      case 3: {  // erase bytes
        if (size == 0) return false;
        const std::size_t pos = Index(size);
        const std::size_t len = ChunkLength(size - pos, 16);
        const auto at = d.begin() + static_cast<std::ptrdiff_t>(pos);
        d.erase(at, at + static_cast<std::ptrdiff_t>(len));
        return true;
      }
      case 4: {  // splice: a prefix of this, a suffix of another entry
        if (corpus_.empty() || OtherEntry().empty()) return false;
        const Bytes& other = OtherEntry();
        const std::size_t from = Index(other.size());
        d.resize(Index(size + 1));
        d.insert(d.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
        return true;
      }
      case 5: {  // insert a chunk of another entry
        if (corpus_.empty()) return false;
        const Bytes& other = OtherEntry();
        if (other.empty()) return false;
        const std::size_t from = Index(other.size());
        const std::size_t len = ChunkLength(other.size() - from, 64);
        const auto src = other.begin() + static_cast<std::ptrdiff_t>(from);
        d.insert(d.begin() + static_cast<std::ptrdiff_t>(Index(size + 1)), src,
                 src + static_cast<std::ptrdiff_t>(len));
        return true;
      }
      case 6: {  // duplicate a chunk of this input
        if (size == 0) return false;
        const std::size_t from = Index(size);
        const std::size_t len = ChunkLength(size - from, 64);
        const Bytes chunk(d.begin() + static_cast<std::ptrdiff_t>(from),
                          d.begin() + static_cast<std::ptrdiff_t>(from + len));
        d.insert(d.begin() + static_cast<std::ptrdiff_t>(Index(size + 1)), chunk.begin(),
                 chunk.end());
        return true;
      }
      case 7:  // truncate
        if (size == 0) return false;
        d.resize(Index(size));
        return true;
      case 8:  // overwrite with a big-endian integer of 1, 2, 4 or 8 bytes
        return SetInteger(d);
      default: {  // overwrite a short run with copies of one byte
        if (size == 0) return false;
        const std::size_t pos = Index(size);
        std::fill_n(d.begin() + static_cast<std::ptrdiff_t>(pos), ChunkLength(size - pos, 8),
                    SomeByte());
        return true;
      }
    }
  }

  bool SetInteger(Bytes& d) {
    const std::size_t width = std::size_t{1} << Below(4);
    if (d.size() < width) return false;
    const std::uint64_t max = width == 8 ? UINT64_MAX : (std::uint64_t{1} << (8 * width)) - 1;
    const std::array<std::uint64_t, 5> edges = {0, 1, max, max / 2, max / 2 + 1};
    const std::uint64_t pick = Below(edges.size() + 1);
    const std::uint64_t value = pick < edges.size() ? edges[pick] : Below(300);
    const std::size_t pos = Index(d.size() - width + 1);
    for (std::size_t i = 0; i < width; ++i) {
      d[pos + i] = static_cast<std::uint8_t>(value >> (8 * (width - 1 - i)));
    }
    return true;
  }

  std::mt19937_64 rng_;
  const std::vector<Bytes>& corpus_;
  std::size_t max_len_;
};

}  // namespace

// GCC 12's UBSan runtime exits on an error without calling the death
// callback; aborting instead lets OnFatalSignal report the input, after a
// stack trace. UBSAN_OPTIONS still overrides this.
extern "C" const char* __ubsan_default_options() { return "print_stacktrace=1:abort_on_error=1"; }

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  Options options;
  if (!ParseOptions(argc, argv, options)) return 2;
  const std::string target = std::filesystem::path(argv[0]).filename().string();
  g_artifact = options.artifact_prefix + "crash-" + target;
  InstallCrashReporting();

  std::vector<Bytes> corpus;
  if (!LoadCorpus(options.inputs, corpus)) return 2;
  if (options.max_len == 0) {
    options.max_len = 4096;
    for (const Bytes& b : corpus) options.max_len = std::max(options.max_len, b.size());
  }

  const auto start = std::chrono::steady_clock::now();
  RunOne(Bytes());
  for (const Bytes& input : corpus) RunOne(input);

  Mutator mutator(options.seed, corpus, options.max_len);
  Bytes input;
  std::uint64_t runs = 0;
  for (; runs < options.runs; ++runs) {
    if (options.max_seconds != 0 && runs % 64 == 0 &&
        std::chrono::steady_clock::now() - start >= std::chrono::seconds(options.max_seconds)) {
      break;
    }
    // Mostly start again from a seed; sometimes keep mutating the last input.
    if (input.empty() || mutator.Below(4) != 0) {
      input = corpus.empty() ? Bytes() : corpus[mutator.Below(corpus.size())];
    }
    mutator.Mutate(input);
    RunOne(input);
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::fprintf(stderr, "driver: %s: %zu seeds, %llu mutated inputs (seed %llu) in %.2f s\n",
               target.c_str(), corpus.size(), static_cast<unsigned long long>(runs),
               static_cast<unsigned long long>(options.seed), elapsed.count());
  return 0;
}
