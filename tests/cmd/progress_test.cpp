#include "cmd/progress.hpp"

#include <catch2/catch.hpp>
#include <sstream>

#include "tests/fakes/fake_transport.hpp"

using mqchat::ProgressMeter;
using namespace std::chrono_literals;

namespace {

// A clock the test moves by hand.
struct ManualClock {
  std::chrono::steady_clock::time_point now{};
  ProgressMeter::Clock fn() {
    return [this] { return now; };
  }
};

}  // namespace

TEST_CASE("progress appears only after the delay, redrawn in place", "[progress]") {
  ManualClock clock;
  std::ostringstream err;
  ProgressMeter meter(err, true, 1000, 1000ms, clock.fn());
  meter.update(10);
  clock.now += 500ms;
  meter.update(400);
  CHECK(err.str().empty());  // short sends stay silent
  clock.now += 600ms;
  meter.update(500);
  CHECK(err.str() == "\rmqchat: sent 500 of 1000");
  clock.now += 10ms;
  meter.update(510);  // too soon to redraw
  CHECK(err.str() == "\rmqchat: sent 500 of 1000");
  clock.now += 200ms;
  meter.update(1000);
  CHECK_THAT(err.str(), Catch::EndsWith("\rmqchat: sent 1000 of 1000"));
  meter.finish();
  CHECK_THAT(err.str(), Catch::EndsWith("\r"));
  CHECK(err.str().find('\n') == std::string::npos);
}

TEST_CASE("a disabled meter never writes", "[progress]") {
  ManualClock clock;
  std::ostringstream err;
  ProgressMeter meter(err, false, 10, 0ms, clock.fn());
  clock.now += 5s;
  meter.update(5);
  meter.finish();
  CHECK(err.str().empty());
}

TEST_CASE("progress only for --lines, on a terminal, without -q", "[progress]") {
  std::istringstream in;
  std::ostringstream out, err;
  mqchat::Context ctx(
      in, out, err, [](const char*) { return std::nullopt; }, nullptr);
  CHECK_FALSE(mqchat::shows_progress(ctx, true));  // stderr is not a terminal
  ctx.err_is_terminal = true;
  CHECK(mqchat::shows_progress(ctx, true));
  CHECK_FALSE(mqchat::shows_progress(ctx, false));
  ctx.global.quiet = true;
  CHECK_FALSE(mqchat::shows_progress(ctx, true));
}

TEST_CASE("send --lines writes nothing on stderr when it is not a terminal", "[progress]") {
  auto broker = std::make_shared<mqchat::fakes::FakeBroker>();
  mqchat::fakes::Machine m(broker);
  REQUIRE(m.run({"register", "bob"}).code == 0);
  REQUIRE(m.run({"register", "alice"}).code == 0);
  std::string input;
  for (int i = 0; i < 2000; ++i) input += "line " + std::to_string(i) + "\n";
  auto r = m.run({"send", "--lines", "bob"}, input);
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  CHECK(broker->published_to("mqchat/v1/inbox/bob/alice").size() == 2000);
}
