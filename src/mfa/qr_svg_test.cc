#include "mfa/qr_svg.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "common/testing/temp_dir.h"
#include "mfa/testing/test_util.h"

namespace sr::mfa {
namespace {

using test_util::RunCommand;
using test_util::ShellQuote;

constexpr const char* kPython = "/usr/bin/python3";
constexpr std::string_view kUri =
    "otpauth://totp/Strongroom:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    "&issuer=Strongroom&algorithm=SHA1&digits=6&period=30";

TEST(QrCodeTest, EncodesASymbolOfTheRightShape) {
  auto code = EncodeQr(kUri);
  ASSERT_TRUE(code) << code.error().ToString();
  // 138 bytes in byte mode at level M need version 7 (122 bytes) < v <= 8 (152).
  EXPECT_EQ(code->version, 8);
  EXPECT_EQ(code->width, 17 + 4 * code->version);
  ASSERT_EQ(code->modules.size(), static_cast<std::size_t>(code->width * code->width));
  // The three finder patterns: a dark 7x7 ring with a dark 3x3 centre.
  for (auto [ox, oy] : {std::pair{0, 0}, {code->width - 7, 0}, {0, code->width - 7}}) {
    for (int i = 0; i < 7; ++i) {
      EXPECT_TRUE(code->Dark(ox + i, oy));
      EXPECT_TRUE(code->Dark(ox + i, oy + 6));
      EXPECT_TRUE(code->Dark(ox, oy + i));
      EXPECT_TRUE(code->Dark(ox + 6, oy + i));
    }
    EXPECT_FALSE(code->Dark(ox + 1, oy + 1));
    EXPECT_TRUE(code->Dark(ox + 3, oy + 3));
  }
  for (std::uint8_t m : code->modules) EXPECT_LE(m, 1);
}

TEST(QrCodeTest, GrowsWithTheText) {
  auto small = EncodeQr("a");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->version, 1);
  auto largest = EncodeQr(std::string(kMaxQrTextBytes, 'a'));
  ASSERT_TRUE(largest) << largest.error().ToString();
  EXPECT_EQ(largest->version, 40);
}

TEST(QrCodeTest, RejectsEmptyNulAndOverlongText) {
  for (std::string bad :
       {std::string(), std::string("a\0b", 3), std::string(kMaxQrTextBytes + 1, 'a')}) {
    auto code = EncodeQr(bad);
    ASSERT_FALSE(code);
    EXPECT_EQ(code.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(QrSvgTest, StructureInCxx) {
  auto svg = QrCodeSvg(kUri);
  ASSERT_TRUE(svg);
  auto code = EncodeQr(kUri);
  const int size = code->width + 2 * kQrQuietZoneModules;
  EXPECT_TRUE(svg->starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_TRUE(svg->ends_with("</svg>\n"));
  EXPECT_NE(svg->find("viewBox=\"0 0 " + std::to_string(size) + " " + std::to_string(size) + "\""),
            std::string::npos);
  EXPECT_NE(svg->find("width=\"" + std::to_string(size * kQrSvgModulePixels) + "\""),
            std::string::npos);
  EXPECT_EQ(svg->find("<path"), svg->rfind("<path"));  // exactly one path
  for (const char* absent : {"href", "url(", "<script", "<image", "<use", "<style", "<?xml"}) {
    EXPECT_EQ(svg->find(absent), std::string::npos) << absent;
  }
  // Top-left module of the finder pattern starts the path, just inside the
  // quiet zone: a 7-module run.
  EXPECT_NE(svg->find("d=\"M4 4h7v1h-7z"), std::string::npos);
}

TEST(QrSvgTest, IsWellFormedAndDecodesBackToTheUri) {
  if (!test_util::IsExecutable(kPython)) GTEST_SKIP() << kPython << " not found";
  auto code = EncodeQr(kUri);
  ASSERT_TRUE(code);
  std::string svg = QrSvg(*code);
  sr::testing::TempDir dir;
  std::string file = (dir.path() / "qr.svg").string();
  std::ofstream(file) << svg;
  auto result = RunCommand(std::string(kPython) + " " +
                           ShellQuote(test_util::SourcePath("src/mfa/testing/check_qr_svg.py")) +
                           " " + ShellQuote(file) + " --decode");
  ASSERT_EQ(result.exit_code, 0) << "check_qr_svg.py rejected the SVG";
  auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["size"], code->width + 2 * kQrQuietZoneModules);
  // The raster of the path is exactly libqrencode's module matrix.
  ASSERT_EQ(json["rows"].size(), static_cast<std::size_t>(code->width));
  for (int y = 0; y < code->width; ++y) {
    std::string row;
    for (int x = 0; x < code->width; ++x) row.push_back(code->Dark(x, y) ? '1' : '0');
    EXPECT_EQ(json["rows"][static_cast<std::size_t>(y)], row) << "row " << y;
  }
  if (json["decoded"].is_null()) {
    GTEST_SKIP() << "zbarimg not found: the SVG is well-formed and matches the symbol, but was "
                 << "not decoded; install Debian package zbar-tools (scripts/bootstrap)";
  }
  EXPECT_EQ(json["decoded"], std::string(kUri));
}

}  // namespace
}  // namespace sr::mfa
