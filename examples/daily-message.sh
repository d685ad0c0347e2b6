#!/bin/sh
# daily-message.sh - send one message a day from cron.
#
# Usage: daily-message.sh USER [TEXT]
#
# A crontab line (crontab -e) that reminds bob at 09:00 on weekdays:
#   0 9 * * 1-5  MQCHAT_HOME=$HOME/.mqchat-bot /usr/local/share/doc/mqchat/examples/daily-message.sh bob
#
# cron runs with a minimal environment and no terminal; mqchat needs neither. Point it at the
# account with MQCHAT_HOME or MQCHAT_PROFILE, and at the broker with MQCHAT_BROKER, on the
# crontab line. cron mails whatever this prints, so it stays quiet unless something fails.
set -eu

to=${1:?usage: daily-message.sh USER [TEXT]}
text=${2:-"Good morning! Today is $(date +%A), $(date +%Y-%m-%d)."}

# A broker being restarted (exit 4) or slow to acknowledge (exit 5) is worth a retry; a wrong
# name (3) or bad text (2) is not.
tries=0
while :; do
  status=0
  mqchat --quiet send "$to" -- "$text" || status=$?
  case $status in
    0) exit 0 ;;
    4 | 5) tries=$((tries + 1)) ;;
    *) exit "$status" ;;
  esac
  if [ "$tries" -ge 3 ]; then
    echo "daily-message: could not send to $to after $tries tries" >&2
    exit "$status"
  fi
  sleep $((tries * 10))
done
