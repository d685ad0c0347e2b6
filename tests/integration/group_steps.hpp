#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/harness.hpp"

// Steps the group tests share: each runs one mqchat command and requires it to succeed.
namespace itest {

void join(const User& user, const std::string& group);
void leave(const User& user, const std::string& group);
void group_send(const User& user, const std::string& group, const std::string& text);

/// `listen --json` (plus EXTRA) of LISTENER in the background, once VIEWER sees it online (its
/// session is subscribed by then).
std::unique_ptr<Process> start_listen(const User& listener, const User& viewer,
                                      std::vector<std::string> extra = {});

/// Ends a listen with SIGINT and requires it to exit.
void stop(Process& listen);

/// A Chat whose two users, alice and bob, are both members of Group_1: the start of most group
/// tests.
struct GroupChat : Chat {
  GroupChat();
};

/// Matches a JSON message whose text is TEXT.
std::function<bool(const nlohmann::json&)> text_is(const std::string& text);

}  // namespace itest
