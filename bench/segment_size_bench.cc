// segment_size_bench compares object segment sizes (64 KiB, 256 KiB, 1 MiB)
// for the blob format of docs/formats/object.md, where the measured figures
// and the choice are recorded. Build with -DSR_BUILD_BENCH=ON in a Release
// tree and run:
//   build-rel/bench/segment_size_bench --benchmark_min_time=1
// Everything runs in memory on one thread, so the figures are the format's
// CPU cost, without disk or network. For the physical limit compare
// `openssl speed -evp aes-256-gcm -bytes <segment size>`.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "object_format/reader.h"
#include "object_format/writer.h"

namespace sr::object_format {
namespace {

constexpr std::size_t kObjectSize = std::size_t{64} << 20;    // 64 MiB
constexpr std::size_t kUploadChunk = std::size_t{256} << 10;  // body read size of a PUT

const ObjectIdentity& Identity() {
  static const ObjectIdentity id{"wsp_4fJq8ZkT2mWcR9xLbN7vYd", "obj_8HkR2pLmQ7sXcV4tZ9nBwE", 1,
                                 "edk_1aB2cD3eF4gH5iJ6kL7mN8"};
  return id;
}

const SecretBytes& DataKey() {
  static const SecretBytes key = crypto::RandomKey();
  return key;
}

const std::vector<std::uint8_t>& Plaintext() {
  static const std::vector<std::uint8_t> p = crypto::RandomBytes(kObjectSize);
  return p;
}

const std::vector<std::uint8_t> kWrapped(60, 0xab);

class NullSink final : public ByteSink {
 public:
  Status Append(std::span<const std::uint8_t> bytes) override {
    benchmark::DoNotOptimize(bytes.data());
    total += bytes.size();
    return Ok();
  }
  std::uint64_t total = 0;
};

std::vector<std::uint8_t> Encrypt(std::span<const std::uint8_t> plaintext, std::uint32_t seg) {
  auto writer = ObjectWriter::Create(Identity(), DataKey(), kWrapped, seg);
  VectorSink sink;
  if (!writer || !writer->Write(plaintext, sink) || !writer->Finish(sink)) std::abort();
  return std::move(sink.bytes);
}

ObjectReader OpenOrDie(std::span<const std::uint8_t> blob) {
  auto header = ParseHeader(blob.first(std::min(blob.size(), kMaxHeaderSize)));
  if (!header) std::abort();
  auto reader = ObjectReader::Open(*header, Identity(), DataKey(), blob.size());
  if (!reader) std::abort();
  return std::move(*reader);
}

// Raw AES-256-GCM on one segment-sized buffer, in place: the ceiling.
void BM_GcmSealRaw(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  auto ctx = crypto::Aes256GcmContext::Create(DataKey());
  std::vector<std::uint8_t> buf(size + 16, 1), nonce(12, 0);
  for (auto _ : state) {
    if (!ctx->SealInto(nonce, std::span(buf).first(size), {}, buf)) std::abort();
    ++nonce[0];
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void BM_Sha256(benchmark::State& state) {
  crypto::Sha256Hasher hasher;
  for (auto _ : state) hasher.Update(std::span(Plaintext()).first(kUploadChunk));
  benchmark::DoNotOptimize(hasher.Finish());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kUploadChunk));
}

// PUT path: a 64 MiB object arriving in 256 KiB pieces, SHA-256 included.
void BM_WriteObject(benchmark::State& state) {
  const auto seg = static_cast<std::uint32_t>(state.range(0));
  for (auto _ : state) {
    auto writer = ObjectWriter::Create(Identity(), DataKey(), kWrapped, seg);
    NullSink sink;
    for (std::size_t pos = 0; pos < kObjectSize; pos += kUploadChunk) {
      if (!writer->Write(std::span(Plaintext()).subspan(pos, kUploadChunk), sink)) std::abort();
    }
    if (!writer->Finish(sink)) std::abort();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kObjectSize));
}

// GET path: parse, authenticate and decrypt the whole 64 MiB object.
void BM_ReadObject(benchmark::State& state) {
  const auto seg = static_cast<std::uint32_t>(state.range(0));
  const auto blob = Encrypt(Plaintext(), seg);
  for (auto _ : state) {
    ObjectReader reader = OpenOrDie(blob);
    SpanSource source(blob);
    NullSink sink;
    if (!reader.ReadAll(source, sink) || sink.total != kObjectSize) std::abort();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kObjectSize));
}

// A ranged GET of 4 KiB at a random offset, as one request: header check,
// final-segment length check, then the segment(s) holding the range.
void BM_RangeRead4K(benchmark::State& state) {
  const auto seg = static_cast<std::uint32_t>(state.range(0));
  const auto blob = Encrypt(Plaintext(), seg);
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::uint64_t> offset(0, kObjectSize - 4096);
  for (auto _ : state) {
    ObjectReader reader = OpenOrDie(blob);
    SpanSource source(blob);
    NullSink sink;
    std::uint64_t first = offset(rng);
    if (!reader.ReadRange(source, first, first + 4095, sink)) std::abort();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// Per-object cost: write and read back a 1 KiB object.
void BM_SmallObject1K(benchmark::State& state) {
  const auto seg = static_cast<std::uint32_t>(state.range(0));
  const auto small = std::span(Plaintext()).first(1024);
  for (auto _ : state) {
    auto blob = Encrypt(small, seg);
    ObjectReader reader = OpenOrDie(blob);
    SpanSource source(blob);
    NullSink sink;
    if (!reader.ReadAll(source, sink)) std::abort();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

#define SEGMENT_SIZES Arg(64 << 10)->Arg(256 << 10)->Arg(1 << 20)
BENCHMARK(BM_GcmSealRaw)->Arg(16 << 10)->SEGMENT_SIZES;
BENCHMARK(BM_Sha256);
BENCHMARK(BM_WriteObject)->SEGMENT_SIZES->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadObject)->SEGMENT_SIZES->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RangeRead4K)->SEGMENT_SIZES->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SmallObject1K)->SEGMENT_SIZES->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace sr::object_format

BENCHMARK_MAIN();
