#include <unistd.h>

#include <cstdio>

#include "cmd/app.hpp"

int main(int argc, char** argv) {
  int code = mqchat::run(argc, argv);
#ifdef MQCHAT_SANITIZE
  return code;
#else
  // Skip static destructors: paho's client teardown sleeps 100-200 ms, which would dominate a
  // one-shot command. Output was flushed by run().
  std::fflush(nullptr);
  _exit(code);
#endif
}
