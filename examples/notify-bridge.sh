#!/bin/sh
# notify-bridge.sh - pass every incoming message to a desktop notification or a log.
#
# Usage: notify-bridge.sh [LISTEN-OPTIONS...]
#   notify-bridge.sh                  # desktop notifications (notify-send) until Ctrl-C
#   MQCHAT_NOTIFY_LOG=~/chat.log notify-bridge.sh --group ops
#
# `listen --exec` runs notify-hook.sh once per message, one at a time, with no shell in
# between: the text arrives on the hook's stdin and the sender, group, time... in MQCHAT_*
# variables. Nothing in a message is ever evaluated or split into words, so a text like
# "$(rm -rf ~)" is just text. (--exec splits its argument on spaces, so keep the hook in a
# directory without spaces in its path.)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
exec mqchat listen --exec "$here/notify-hook.sh" "$@"
