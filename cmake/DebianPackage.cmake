# `cmake --build BUILD --target package` (or scripts/package) makes mqchat_VERSION_ARCH.deb from
# the install rules: the binary in /usr/bin, its paho module in /usr/lib/mqchat, man pages,
# bash and zsh completions and the examples. dpkg-shlibdeps computes the runtime dependencies
# from the two ELF files, so they follow whatever the build linked (paho, libsodium, OpenSSL).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mqchat)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "mqchat maintainers <maintainers@users.noreply.b-seed-4be7cd56.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "scriptable messenger over MQTT, end-to-end encrypted")
set(CPACK_PACKAGE_DESCRIPTION
    "mqchat is one command with git-style subcommands (register, send, group, who, listen,\n"
    "history, broker) for people who chat from a terminal and for scripts, cron jobs and pipes.\n"
    "All shared state lives in a standard MQTT broker; messages are end-to-end encrypted.")
# The install rules use paths relative to the prefix, and the binary finds its module relative
# to itself (bin/../lib/mqchat), so packaging under /usr needs no second configure.
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# `mqchat broker start` runs a mosquitto; chatting through somebody else's broker needs none.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS mosquitto)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
# Only the files the install rules name; the test and fuzz programs are never installed.
set(CPACK_STRIP_FILES ON)
include(CPack)
