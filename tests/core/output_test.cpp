#include "kit/core/output.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using kit::Error;
using kit::ErrorKind;

TEST(ExitCode, UsageAndInputErrorsAreTwoNegativeAnswersOne) {
  EXPECT_EQ(kit::core::exit_code(Error{ErrorKind::invalid_argument, "x", "", {}, {}}), 2);
  EXPECT_EQ(kit::core::exit_code(Error{ErrorKind::malformed_input, "x", "", {}, {}}), 2);
  EXPECT_EQ(kit::core::exit_code(Error{ErrorKind::io, "x", "", {}, {}}), 2);
  EXPECT_EQ(kit::core::exit_code(Error{ErrorKind::not_found, "x", "", {}, {}}), 1);
  EXPECT_EQ(kit::core::exit_code(Error{ErrorKind::failed, "x", "", {}, {}}), 1);
}

TEST(ReportError, PrintsCommandMessageAndPosition) {
  testing::internal::CaptureStderr();
  Error e{ErrorKind::malformed_input, "calendar.bad_events", "events.csv: bad", {}, {}};
  e.position = kit::TextPosition{3, 7};
  EXPECT_EQ(kit::core::report_error("cal report", e), 2);
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "kit cal report: events.csv: bad (line 3, column 7)\n");
}

TEST(ReportError, PrintsByteOffset) {
  testing::internal::CaptureStderr();
  Error e{ErrorKind::malformed_input, "binary.truncated", "truncated chunk", 33, {}};
  kit::core::report_error("inspect", e);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "kit inspect: truncated chunk (at byte 33)\n");
}

TEST(JsonText, Utf8StaysTextOtherBytesBecomeBase64) {
  EXPECT_EQ(kit::core::json_text("caf\xc3\xa9"), nlohmann::json("caf\xc3\xa9"));
  EXPECT_EQ(kit::core::json_text("\xff\xfe"), (nlohmann::json{{"bytes", "//4="}}));
}

TEST(Output, JsonLinesRecordsEndWithSummary) {
  testing::internal::CaptureStdout();
  {
    kit::core::Output out({.json = true});
    out.record({{"n", 1}});
    out.summary({{"count", 1}});
    EXPECT_EQ(out.finish(), 0);
  }
  EXPECT_EQ(
      testing::internal::GetCapturedStdout(),
      "{\"type\":\"record\",\"data\":{\"n\":1}}\n{\"type\":\"summary\",\"data\":{\"count\":1}}\n");
}

}  // namespace
