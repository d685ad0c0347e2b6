#!/bin/sh
# notify-hook.sh - the per-message command of notify-bridge.sh (mqchat listen --exec).
#
# stdin: the message text, verbatim. Environment: MQCHAT_ID, MQCHAT_TYPE (dm, group, join,
# leave), MQCHAT_FROM, MQCHAT_TO, MQCHAT_GROUP, MQCHAT_SENT_AT.
# Quote every expansion ("$MQCHAT_FROM") and never eval the text: then it stays data.
set -eu

title="mqchat: $MQCHAT_FROM"
[ -z "$MQCHAT_GROUP" ] || title="$title @ $MQCHAT_GROUP"

if [ -z "${MQCHAT_NOTIFY_LOG:-}" ] && command -v notify-send >/dev/null 2>&1; then
  # "--" ends the options: a text starting with "-" is not taken for one.
  notify-send -- "$title" "$(cat)"
else
  log=${MQCHAT_NOTIFY_LOG:-$HOME/mqchat-notifications.log}
  {
    printf '%s [%s]\n' "$title" "$MQCHAT_SENT_AT"
    cat            # the text, byte for byte
    printf '\n.\n'
  } >>"$log"
fi
