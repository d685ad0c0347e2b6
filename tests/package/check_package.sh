#!/usr/bin/env bash
# The Debian package as a user meets it: `apt-get install ./mqchat_*.deb`, then the installed
# mqchat (from PATH, not the build tree) runs its own broker on 127.0.0.1, registers two users
# and delivers a message; `man mqchat-send` renders; bash completion, loaded the way
# bash-completion loads it, completes a subcommand. The package is removed at the end.
#   tests/package/check_package.sh DEB
# Needs root (or sudo) because it installs into the system; refuses to run when an mqchat
# package is installed already, so it never removes one it did not install.
set -euo pipefail
deb=$(realpath "$1")
[ -f "$deb" ] || { echo "check_package: no package at '$1'" >&2; exit 1; }
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "check_package: installing the package needs root or sudo (scripts/test --no-package skips this check)" >&2
  exit 1
fi
if dpkg-query -W -f='${Status}' mqchat 2>/dev/null | grep -q "install ok installed"; then
  echo "check_package: a mqchat package is installed already; remove it first (apt-get remove mqchat)" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mqchat-package.XXXXXX")
broker_pid=""
installed=0
cleanup() {
  if [ -n "$broker_pid" ]; then kill -TERM "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true; fi
  if [ "$installed" -eq 1 ]; then
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get remove -y -qq mqchat >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "check_package: $*" >&2; exit 1; }

echo "== what the package holds"
dpkg-deb --info "$deb" | grep -E '^ (Package|Version|Architecture|Depends|Recommends):'
contents=$(dpkg-deb --contents "$deb" | awk '{print $NF}')
for path in ./usr/bin/mqchat ./usr/lib/mqchat/mqchat-paho.so ./usr/share/man/man1/mqchat-send.1 \
            ./usr/share/man/man7/mqchat-security.7 ./usr/share/bash-completion/completions/mqchat \
            ./usr/share/zsh/vendor-completions/_mqchat ./usr/share/doc/mqchat/examples/auto-reply-bot.sh; do
  grep -qx -- "$path" <<<"$contents" || fail "the package lacks $path"
done
depends=$(dpkg-deb --field "$deb" Depends)
for lib in libpaho-mqttpp3 libsodium23 libc6; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib (dpkg-shlibdeps): '$depends'"
done
grep -q mosquitto <<<"$(dpkg-deb --field "$deb" Recommends)" || fail "mosquitto is not in Recommends"

echo "== apt-get install $deb"
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
installed=1
[ "$(command -v mqchat)" = /usr/bin/mqchat ] || fail "mqchat on PATH is '$(command -v mqchat)', not /usr/bin/mqchat"
mqchat --version

echo "== the installed mqchat runs a broker and delivers a message"
for _ in $(seq 20); do
  port=$(shuf -i 20000-60000 -n 1)
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
done
mqchat broker start --port "$port" --bind 127.0.0.1 --data-dir "$work/broker" >"$work/broker.log" 2>&1 &
broker_pid=$!
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
export MQCHAT_BROKER="mqtt://127.0.0.1:$port" NO_COLOR=1
mqchat --home "$work/alice" register alice >/dev/null
mqchat --home "$work/bob" register bob >/dev/null
mqchat --home "$work/alice" send bob "from the package"
got=$(mqchat --home "$work/bob" listen --count 1 --timeout 10 --json)
[ "$(jq -r .text <<<"$got")" = "from the package" ] || fail "bob got '$got'"
[ "$(jq -r .verified <<<"$got")" = true ] || fail "the message was not verified: '$got'"
echo "bob got: $got"

echo "== man mqchat-send renders"
page=$(MANWIDTH=80 man mqchat-send 2>"$work/man.err" | col -b) || fail "man mqchat-send failed: $(cat "$work/man.err")"
grep -q "mqchat send" <<<"$page" || fail "man mqchat-send shows no 'mqchat send'"
[ ! -s "$work/man.err" ] || fail "man mqchat-send warns: $(cat "$work/man.err")"

echo "== bash completion, loaded on demand by bash-completion, completes a subcommand"
completed=$(bash --norc --noprofile -c '
  source /usr/share/bash-completion/bash_completion
  _completion_loader mqchat
  COMP_WORDS=(mqchat reg); COMP_CWORD=1; COMP_LINE="mqchat reg"; COMP_POINT=${#COMP_LINE}
  "$(complete -p mqchat | sed -E "s/.*-F ([^ ]+).*/\1/")" mqchat reg mqchat
  printf "%s\n" "${COMPREPLY[@]}"')
[ "$completed" = register ] || fail "'mqchat reg<TAB>' completed to '$completed', not 'register'"

echo "== apt-get remove mqchat"
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get remove -y -qq mqchat >/dev/null
installed=0
[ ! -e /usr/bin/mqchat ] || fail "/usr/bin/mqchat is still there after the removal"
echo "check_package: the package installs, works and goes away"
