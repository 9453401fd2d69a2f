// describe and to_json: `kit jobs show`'s text and the JSON schema of docs/commands/jobs.md.
// Times are local: the tests run with TZ=UTC.
#include "kit/jobs/report.hpp"

#include <gtest/gtest.h>

namespace jb = kit::jobs;

namespace {

constexpr std::int64_t s = 1'000'000'000;

jb::Job sample() {
  jb::Job j;
  j.id = 7;
  j.spec = {.argv = {"make", "report"}, .priority = 3, .name = "make report", .retries = 1};
  j.state = jb::JobState::failed;
  j.submitted_ns = 1'700'000'000 * s;
  j.finished_ns = 1'700'000'100 * s;
  j.attempts = 2;
  j.status = 2;
  j.history = {{.number = 1,
                .started_ns = 1'700'000'001 * s,
                .duration_ns = s / 4,
                .status = 2,
                .outcome = "exit 2",
                .stdout_tail = "",
                .stderr_tail = "no rule\nstop\n",
                .worker = "pid 42"},
               {.number = 2,
                .started_ns = 1'700'000'050 * s,
                .duration_ns = 1500 * s / 1000,
                .status = 2,
                .outcome = "exit 2",
                .stdout_tail = "half a line",
                .stderr_tail = "\xff\xfe",
                .worker = "pid 43"}};
  return j;
}

}  // namespace

TEST(Report, FormatTimeIsLocal) {
  EXPECT_EQ(jb::format_time(0), "1970-01-01 00:00:00");
  EXPECT_EQ(jb::format_time(1'700'000'000 * s + s / 2), "2023-11-14 22:13:20");
}

TEST(Report, DescribeAJobAndItsAttempts) {
  EXPECT_EQ(jb::describe(sample()),
            "job 7: make report\n"
            "  state: failed\n"
            "  priority: 3\n"
            "  submitted: 2023-11-14 22:13:20\n"
            "  attempts: 2 (retries allowed: 1)\n"
            "  attempt 1: exit 2 at 2023-11-14 22:13:21 in 0.250s (by pid 42)\n"
            "    stderr (last 13 bytes):\n"
            "      no rule\n"
            "      stop\n"
            "  attempt 2: exit 2 at 2023-11-14 22:14:10 in 1.500s (by pid 43)\n"
            "    stdout (last 11 bytes):\n"
            "      half a line\n"
            "    stderr (last 2 bytes):\n"
            "      \xff\xfe\n");
}

TEST(Report, JsonDocument) {
  const jb::Job j = sample();
  const auto d = jb::to_json(j, std::nullopt);
  EXPECT_EQ(d["id"], 7);
  EXPECT_EQ(d["argv"], nlohmann::json({"make", "report"}));
  EXPECT_EQ(d["state"], "failed");
  EXPECT_TRUE(d["effective_priority"].is_null());
  EXPECT_EQ(d["submitted"], "2023-11-14 22:13:20");
  EXPECT_EQ(d["finished"], "2023-11-14 22:15:00");
  EXPECT_EQ(d["status"], 2);
  EXPECT_FALSE(d.contains("history"));
  EXPECT_EQ(d.size(), 11u);

  jb::Job queued = j;
  queued.state = jb::JobState::queued;
  queued.finished_ns = 0;
  queued.status.reset();
  const auto q = jb::to_json(queued, 1, true);
  EXPECT_EQ(q["effective_priority"], 1);
  EXPECT_TRUE(q["finished"].is_null());
  EXPECT_TRUE(q["status"].is_null());
  ASSERT_EQ(q["history"].size(), 2u);
  EXPECT_EQ(q["history"][0]["seconds"], 0.25);
  EXPECT_EQ(q["history"][0]["stderr_tail"], "no rule\nstop\n");
  EXPECT_EQ(q["history"][1]["stderr_tail"], nlohmann::json({{"bytes", "//4="}}));  // not UTF-8
  EXPECT_EQ(q["history"][1]["worker"], "pid 43");
}

TEST(Report, EffectivePriorityAgesFromSubmission) {
  jb::Job j = sample();
  const jb::WorkOptions aging{.aging_interval = std::chrono::seconds(5), .aging_boost = 1};
  EXPECT_EQ(jb::effective_priority(j, j.submitted_ns, aging), 3);
  EXPECT_EQ(jb::effective_priority(j, j.submitted_ns + 14 * s, aging), 1);
  EXPECT_EQ(jb::effective_priority(j, j.submitted_ns + 60 * s, aging), 0);
}
