# Warnings and sanitizers for our own targets only: third-party headers are found as system
# includes, so they do not trip -Werror.
add_library(mqchat_warnings INTERFACE)
target_compile_options(mqchat_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                 -Wnon-virtual-dtor)
if(MQCHAT_WERROR)
  target_compile_options(mqchat_warnings INTERFACE -Werror)
endif()
if(MQCHAT_SANITIZE)
  target_compile_options(mqchat_warnings INTERFACE -fsanitize=address,undefined
                                                   -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(mqchat_warnings INTERFACE -fsanitize=address,undefined)
  target_compile_definitions(mqchat_warnings INTERFACE MQCHAT_SANITIZE=1)
endif()
if(MQCHAT_FUZZ)
  # Coverage instrumentation for libFuzzer in everything the fuzz targets link.
  target_compile_options(mqchat_warnings INTERFACE -fsanitize=fuzzer-no-link)
endif()
