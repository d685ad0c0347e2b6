#include "core/store/state_store.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/store/files.hpp"
#include "core/wire/error.hpp"
#include "tests/fakes/fake_transport.hpp"

namespace fs = std::filesystem;
using mqchat::Config;
using mqchat::Profile;
using mqchat::StatePaths;
using mqchat::StateStore;
using mqchat::fakes::TempDir;

namespace {

StateStore store_in(const TempDir& tmp) { return StateStore(StatePaths{tmp.path(), tmp.path()}); }

Profile alice() {
  Profile p;
  p.name = "alice";
  p.phone = "+491701234567";
  p.registered_at = "2026-11-25T13:32:07.123Z";
  p.client_id = "mqchat-alice-0123456789ab";
  p.groups = {"Group_1", "ops"};
  p.settings = {{"broker", "mqtt://chat.example:1883"}, {"qos", "2"}};
  return p;
}

using Env = std::map<std::string, std::string>;

std::function<std::optional<std::string>(const char*)> lookup(const Env& env) {
  return [env](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const mqchat::Error& e) {
    return e.what();
  }
  FAIL("no mqchat::Error thrown");
  return {};
}

}  // namespace

TEST_CASE("a missing config.yaml loads as defaults", "[state_store]") {
  TempDir tmp;
  auto store = store_in(tmp);
  auto c = store.load_config();
  CHECK(c.current_profile.empty());
  CHECK(c.settings.empty());
}

TEST_CASE("a Config survives a round trip through config.yaml", "[state_store]") {
  TempDir tmp;
  auto store = store_in(tmp);
  store.update_config([](Config& c) {
    c.current_profile = "alice";
    c.settings["broker"] = "mqtt://a:1883,mqtt://b:1883";
    c.settings["connect_timeout"] = "0.5";
    c.settings["odd"] = "yes: \"quoted\" # not a comment";
  });
  auto c = StateStore(StatePaths{tmp.path(), tmp.path()}).load_config();
  CHECK(c.current_profile == "alice");
  CHECK(c.settings.at("broker") == "mqtt://a:1883,mqtt://b:1883");
  CHECK(c.settings.at("connect_timeout") == "0.5");
  CHECK(c.settings.at("odd") == "yes: \"quoted\" # not a comment");
  struct stat st {};
  REQUIRE(::stat((tmp.path() / "config.yaml").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("update_config returns what it wrote and keeps other fields", "[state_store]") {
  TempDir tmp;
  auto store = store_in(tmp);
  store.update_config([](Config& c) { c.settings["qos"] = "0"; });
  auto c = store.update_config([](Config& cfg) { cfg.current_profile = "bob"; });
  CHECK(c.current_profile == "bob");
  CHECK(c.settings.at("qos") == "0");
  CHECK(store.load_config().settings.at("qos") == "0");
}

TEST_CASE("a Profile survives a round trip", "[state_store]") {
  TempDir tmp;
  auto store = store_in(tmp);
  store.save_profile(alice());
  auto p = store.load_profile("alice");
  REQUIRE(p);
  CHECK(p->name == "alice");
  CHECK(p->phone == "+491701234567");
  CHECK(p->registered_at == "2026-11-25T13:32:07.123Z");
  CHECK(p->client_id == "mqchat-alice-0123456789ab");
  CHECK(p->groups == std::vector<std::string>{"Group_1", "ops"});
  CHECK(p->settings == alice().settings);

  SECTION("a phone number made of digits stays a string with its leading zero") {
    auto q = alice();
    q.phone = "0049170";
    store.save_profile(q);
    CHECK(store.load_profile("alice")->phone == "0049170");
  }
  SECTION("without phone, groups or settings") {
    auto q = alice();
    q.phone.clear();
    q.groups.clear();
    q.settings.clear();
    store.save_profile(q);
    auto r = store.load_profile("alice");
    REQUIRE(r);
    CHECK(r->phone.empty());
    CHECK(r->groups.empty());
    CHECK(r->settings.empty());
  }
}

TEST_CASE("load_profile of an unknown or invalid name is nullopt", "[state_store]") {
  TempDir tmp;
  auto store = store_in(tmp);
  CHECK_FALSE(store.load_profile("nobody"));
  CHECK_FALSE(store.load_profile("../config"));
  CHECK_FALSE(store.load_profile(""));
}

TEST_CASE("update_profile changes an existing profile and refuses a missing one", "[state_store]") {
  TempDir tmp;
  auto store = store_in(tmp);
  store.save_profile(alice());
  auto p = store.update_profile("alice", [](Profile& q) { q.groups.push_back("new"); });
  CHECK(p.groups.size() == 3);
  CHECK(store.load_profile("alice")->groups.back() == "new");
  try {
    store.update_profile("bob", [](Profile&) {});
    FAIL("no error");
  } catch (const mqchat::Error& e) {
    CHECK(e.code() == mqchat::ExitCode::not_found);
    CHECK_THAT(e.what(), Catch::Contains("mqchat login bob"));
  }
}

TEST_CASE("list_profiles lists valid profile names, sorted", "[state_store]") {
  TempDir tmp;
  auto store = store_in(tmp);
  CHECK(store.list_profiles().empty());
  auto b = alice();
  b.name = "bob";
  store.save_profile(b);
  store.save_profile(alice());
  mqchat::write_file_atomic(tmp.path() / "profiles" / "notes.txt", "x");
  mqchat::write_file_atomic(tmp.path() / "profiles" / "-bad.yaml", "x");
  CHECK(store.list_profiles() == std::vector<std::string>{"alice", "bob"});
}

TEST_CASE("corrupt YAML gives an Error that names the file", "[state_store]") {
  TempDir tmp;
  auto store = store_in(tmp);
  auto config = (tmp.path() / "config.yaml").string();
  auto profile = (tmp.path() / "profiles" / "alice.yaml").string();

  SECTION("config.yaml that does not parse") {
    mqchat::write_file_atomic(config, "current_profile: [unclosed\n");
    auto msg = error_of([&] { store.load_config(); });
    CHECK_THAT(msg, Catch::Contains(config) && Catch::Contains("line"));
  }
  SECTION("config.yaml that is not a mapping") {
    mqchat::write_file_atomic(config, "- a\n- b\n");
    CHECK_THAT(error_of([&] { store.load_config(); }),
               Catch::Contains(config) && Catch::Contains("mapping"));
  }
  SECTION("config.yaml whose settings are a list") {
    mqchat::write_file_atomic(config, "settings: [1, 2]\n");
    CHECK_THAT(error_of([&] { store.load_config(); }), Catch::Contains(config));
  }
  SECTION("config.yaml with an invalid current profile") {
    mqchat::write_file_atomic(config, "current_profile: a/b\n");
    CHECK_THAT(error_of([&] { store.load_config(); }), Catch::Contains(config));
  }
  SECTION("update_config of a corrupt file does not overwrite it") {
    mqchat::write_file_atomic(config, "{{{{\n");
    CHECK_THAT(error_of([&] { store.update_config([](Config&) {}); }), Catch::Contains(config));
    CHECK(mqchat::read_file(config) == std::optional<std::string>("{{{{\n"));
  }
  SECTION("a profile that does not parse") {
    mqchat::write_file_atomic(profile, "name: alice\nclient_id: [\n");
    CHECK_THAT(error_of([&] { store.load_profile("alice"); }), Catch::Contains(profile));
  }
  SECTION("a profile without client_id") {
    mqchat::write_file_atomic(profile, "name: alice\n");
    CHECK_THAT(error_of([&] { store.load_profile("alice"); }),
               Catch::Contains(profile) && Catch::Contains("client_id"));
  }
  SECTION("a profile whose name disagrees with its file") {
    mqchat::write_file_atomic(profile, "name: bob\nclient_id: x\n");
    CHECK_THAT(error_of([&] { store.load_profile("alice"); }), Catch::Contains(profile));
  }
  SECTION("a profile whose groups hold a wildcard") {
    mqchat::write_file_atomic(profile, "name: alice\nclient_id: x\ngroups: ['#']\n");
    CHECK_THAT(error_of([&] { store.load_profile("alice"); }), Catch::Contains(profile));
  }
  SECTION("a profile whose groups are a mapping") {
    mqchat::write_file_atomic(profile, "name: alice\nclient_id: x\ngroups: {a: b}\n");
    CHECK_THAT(error_of([&] { store.load_profile("alice"); }), Catch::Contains(profile));
  }
}

TEST_CASE("a profile whose groups hold a nested list is an Error naming the file",
          "[state_store]") {
  // yaml-cpp throws YAML::TypedBadConversion from g.as<std::string>() on a non-scalar item;
  // it escapes load_profile untranslated instead of becoming mqchat::Error.
  TempDir tmp;
  auto store = store_in(tmp);
  auto profile = (tmp.path() / "profiles" / "alice.yaml").string();
  mqchat::write_file_atomic(profile, "name: alice\nclient_id: x\ngroups: [[a]]\n");
  try {
    store.load_profile("alice");
    FAIL("no error");
  } catch (const mqchat::Error& e) {
    CHECK_THAT(e.what(), Catch::Contains(profile));
  } catch (const std::exception& e) {
    FAIL(std::string("not an mqchat::Error: ") + e.what());
  }
}

TEST_CASE("concurrent update_config calls lose no update", "[state_store]") {
  TempDir tmp;
  constexpr int kThreads = 4;
  constexpr int kEach = 8;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&tmp, t] {
      // A store of its own per thread, as separate processes would have.
      StateStore store(StatePaths{tmp.path(), tmp.path()});
      for (int i = 0; i < kEach; ++i) {
        store.update_config([&](Config& c) {
          c.settings["k" + std::to_string(t) + "_" + std::to_string(i)] = "v";
          int n = c.settings.count("n") ? std::stoi(c.settings["n"]) : 0;
          c.settings["n"] = std::to_string(n + 1);
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  auto c = store_in(tmp).load_config();
  CHECK(c.settings.at("n") == std::to_string(kThreads * kEach));
  CHECK(c.settings.size() == kThreads * kEach + 1);
}

TEST_CASE("profile_state_dir creates a private per-profile directory", "[state_store]") {
  TempDir tmp;
  auto store = StateStore(StatePaths{tmp.path() / "cfg", tmp.path() / "st"});
  auto dir = store.profile_state_dir("alice");
  CHECK(dir == tmp.path() / "st" / "state" / "alice");
  CHECK(fs::is_directory(dir));
  struct stat st {};
  REQUIRE(::stat(dir.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
}

TEST_CASE("state paths are resolved from --home, XDG variables and HOME", "[state_store]") {
  SECTION("--home puts config and state in one directory") {
    auto p = mqchat::resolve_state_paths(
        "/tmp/h", lookup({{"HOME", "/home/x"}, {"XDG_CONFIG_HOME", "/xdg/c"}}));
    CHECK(p.config_dir == "/tmp/h");
    CHECK(p.state_dir == "/tmp/h");
  }
  SECTION("an empty --home falls through to the XDG directories") {
    auto p = mqchat::resolve_state_paths(std::string(), lookup({{"HOME", "/home/x"}}));
    CHECK(p.config_dir == "/home/x/.config/mqchat");
  }
  SECTION("XDG variables win over HOME") {
    auto p = mqchat::resolve_state_paths(
        std::nullopt,
        lookup({{"HOME", "/home/x"}, {"XDG_CONFIG_HOME", "/xc"}, {"XDG_STATE_HOME", "/xs"}}));
    CHECK(p.config_dir == "/xc/mqchat");
    CHECK(p.state_dir == "/xs/mqchat");
  }
  SECTION("HOME alone gives ~/.config/mqchat and ~/.local/state/mqchat") {
    auto p = mqchat::resolve_state_paths(std::nullopt, lookup({{"HOME", "/home/x"}}));
    CHECK(p.config_dir == "/home/x/.config/mqchat");
    CHECK(p.state_dir == "/home/x/.local/state/mqchat");
  }
  SECTION("relative or empty XDG variables are ignored, as the XDG spec says") {
    auto p = mqchat::resolve_state_paths(
        std::nullopt,
        lookup({{"HOME", "/home/x"}, {"XDG_CONFIG_HOME", "rel"}, {"XDG_STATE_HOME", ""}}));
    CHECK(p.config_dir == "/home/x/.config/mqchat");
    CHECK(p.state_dir == "/home/x/.local/state/mqchat");
  }
  SECTION("neither HOME nor XDG nor --home is an error with a hint") {
    try {
      mqchat::resolve_state_paths(std::nullopt, lookup({}));
      FAIL("no error");
    } catch (const mqchat::Error& e) {
      CHECK_THAT(e.what(), Catch::Contains("--home"));
    }
  }
}
