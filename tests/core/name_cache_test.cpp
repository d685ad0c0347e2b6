#include "core/store/name_cache.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/fakes/fake_transport.hpp"

using mqchat::NameCache;
using mqchat::fakes::TempDir;

namespace {

ino_t inode_of(const std::filesystem::path& file) {
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  return st.st_ino;
}

}  // namespace

TEST_CASE("the name cache adds names, or replaces them all", "[name_cache]") {
  TempDir tmp;
  NameCache cache(tmp.path());
  cache.remember(NameCache::Kind::users, {"bob", "alice", "bad/name"});
  CHECK(cache.names(NameCache::Kind::users) == std::vector<std::string>{"alice", "bob"});
  cache.remember(NameCache::Kind::users, {"carol"});
  CHECK(cache.names(NameCache::Kind::users) == std::vector<std::string>{"alice", "bob", "carol"});
  cache.remember(NameCache::Kind::users, {"dave"}, true);
  CHECK(cache.names(NameCache::Kind::users) == std::vector<std::string>{"dave"});
  CHECK(cache.names(NameCache::Kind::groups).empty());
}

TEST_CASE("the name cache is not rewritten when nothing changed", "[name_cache]") {
  TempDir tmp;
  NameCache cache(tmp.path());
  cache.remember(NameCache::Kind::users, {"alice", "bob"});
  auto file = tmp.path() / "cache" / "users";
  auto before = inode_of(file);
  // Every send remembers its recipient and every who all users: usually nothing new.
  cache.remember(NameCache::Kind::users, {"bob"});
  cache.remember(NameCache::Kind::users, {"bob", "alice"}, true);
  CHECK(inode_of(file) == before);
  cache.remember(NameCache::Kind::users, {"carol"});
  CHECK(inode_of(file) != before);  // written anew (temp file + rename)
}

TEST_CASE("a name is found in the cache only as a whole line", "[name_cache]") {
  TempDir tmp;
  NameCache cache(tmp.path());
  cache.remember(NameCache::Kind::users, {"bobby", "xbob", "carol"});
  auto file = tmp.path() / "cache" / "users";
  auto before = inode_of(file);
  cache.remember(NameCache::Kind::users, {"bobby"});  // the first line
  cache.remember(NameCache::Kind::users, {"xbob"});   // the last line
  CHECK(inode_of(file) == before);
  // Parts of names already there are still new names.
  cache.remember(NameCache::Kind::users, {"bob"});
  cache.remember(NameCache::Kind::users, {"car"});
  CHECK(cache.names(NameCache::Kind::users) ==
        std::vector<std::string>{"bob", "bobby", "car", "carol", "xbob"});
}
