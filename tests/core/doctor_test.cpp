#include "core/broker/doctor.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "core/wire/error.hpp"
#include "tests/fakes/fake_transport.hpp"

using mqchat::CheckStatus;
using mqchat::DoctorOptions;
using mqchat::DoctorReport;
using mqchat::fakes::FakeBroker;

namespace {

DoctorOptions options(std::vector<std::string> brokers = {"mqtt://a:1883"}) {
  DoctorOptions o;
  o.brokers = std::move(brokers);
  o.timeout = mqchat::Millis(200);
  o.queue_probe = 50;
  return o;
}

const mqchat::DoctorCheck& row(const DoctorReport& report, const std::string& id) {
  for (const auto& c : report.checks) {
    if (c.id == id) return c;
  }
  FAIL("no row " << id);
  return report.checks.front();
}

bool has_row(const DoctorReport& report, const std::string& id) {
  for (const auto& c : report.checks) {
    if (c.id == id) return true;
  }
  return false;
}

// Client ids of every connect doctor made, the probe session's included.
std::vector<std::string> client_ids(const FakeBroker& broker) {
  std::vector<std::string> ids;
  for (const auto& c : broker.connects()) ids.push_back(c.client_id);
  return ids;
}

}  // namespace

TEST_CASE("doctor passes on a broker that has what mqchat needs and leaves nothing behind",
          "[doctor]") {
  auto broker = std::make_shared<FakeBroker>();
  auto report = mqchat::run_doctor(mqchat::fakes::fake_transport_factory(broker), options());
  CHECK(report.passed());
  CHECK(row(report, "protocol").status == CheckStatus::ok);
  CHECK(row(report, "retained_wildcard").status == CheckStatus::ok);
  CHECK(row(report, "session").status == CheckStatus::ok);
  CHECK(row(report, "offline_queue").status == CheckStatus::ok);
  CHECK(row(report, "offline_queue").detail.find("at least 50") != std::string::npos);
  CHECK(row(report, "refusals").status == CheckStatus::unknown);
  CHECK_FALSE(has_row(report, "retained_shared"));  // one node: nothing to compare
  CHECK_FALSE(has_row(report, "reachable"));

  CHECK(broker->retained_topics().empty());
  for (const auto& id : client_ids(*broker)) {
    INFO(id);
    CHECK_FALSE(broker->has_session(id));
  }
  CHECK(broker->published_to("mqchat/v1/doctor/+/session/queue").size() == 50);
}

TEST_CASE("doctor compares the retained directory of every node it is given", "[doctor]") {
  auto broker = std::make_shared<FakeBroker>();  // one broker behind both URLs: identical
  broker->publish_from_outside("mqchat/v1/users/alice", R"({"name":"alice"})", 1, true);
  auto report = mqchat::run_doctor(mqchat::fakes::fake_transport_factory(broker),
                                   options({"mqtt://a:1883", "mqtt://b:1883"}));
  CHECK(report.passed());
  REQUIRE(has_row(report, "retained_shared"));
  CHECK(row(report, "retained_shared").status == CheckStatus::ok);
  CHECK(row(report, "retained_shared").detail.find("1 directory records") != std::string::npos);
  CHECK(row(report, "session").detail.find("mqtt://b:1883") != std::string::npos);
  CHECK(broker->retained_topics() == std::vector<std::string>{"mqchat/v1/users/alice"});
}

TEST_CASE("doctor reports a refused probe as a failing row and as a reported refusal", "[doctor]") {
  auto broker = std::make_shared<FakeBroker>();
  broker->refused_topics = {"mqchat/v1/doctor/#"};
  auto report = mqchat::run_doctor(mqchat::fakes::fake_transport_factory(broker), options());
  CHECK_FALSE(report.passed());
  CHECK(row(report, "retained_wildcard").status == CheckStatus::fail);
  CHECK(row(report, "refusals").status == CheckStatus::ok);
}

TEST_CASE("doctor throws unavailable when no node answers and usage without brokers", "[doctor]") {
  auto broker = std::make_shared<FakeBroker>();
  broker->refuse_connect = true;
  try {
    mqchat::run_doctor(mqchat::fakes::fake_transport_factory(broker), options());
    FAIL("no error");
  } catch (const mqchat::Error& e) {
    CHECK(e.code() == mqchat::ExitCode::unavailable);
  }
  try {
    mqchat::run_doctor(mqchat::fakes::fake_transport_factory(broker), options({}));
    FAIL("no error");
  } catch (const mqchat::Error& e) {
    CHECK(e.code() == mqchat::ExitCode::usage);
  }
}
