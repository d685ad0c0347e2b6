#!/bin/sh
# auto-reply-bot.sh - answer direct messages, in plain shell (no jq needed).
#
# Usage: auto-reply-bot.sh [MAX-REPLIES]
#   auto-reply-bot.sh        # runs until stopped (Ctrl-C, or kill)
#   auto-reply-bot.sh 10     # stops after ten replies
#
# Each round takes one message with `listen --count 1`; messages that arrived while the bot was
# replying wait in the user's session for the next round, so none is lost. --format gives one
# line of tab-separated fields; a tab or newline inside the text comes escaped as \t or \n, so
# `read` always gets exactly one message.
set -eu

max=${1:-0}
replies=0
tab=$(printf '\t')

while [ "$max" -eq 0 ] || [ "$replies" -lt "$max" ]; do
  status=0
  line=$(mqchat listen --count 1 --timeout 3600 --format '{type}\t{from}\t{text}') || status=$?
  case $status in
    0) ;;
    5) continue ;;                     # an hour without messages: just listen again
    *) exit "$status" ;;               # SIGINT/SIGTERM end listen with 0 and no line
  esac
  [ -n "$line" ] || exit 0
  IFS=$tab read -r type from text <<EOT
$line
EOT
  # Only direct messages: answering group chatter or join notices would be rude (and two bots
  # answering each other in a group would never stop).
  [ "$type" = dm ] || continue

  case $text in
    ping*) reply="pong" ;;
    date*) reply=$(date -u +%Y-%m-%dT%H:%M:%SZ) ;;
    help*) reply="I answer: ping, date, help" ;;
    *) reply="Thanks $from, I'm away; I'll read your message later." ;;
  esac
  mqchat --quiet send "$from" -- "$reply"
  replies=$((replies + 1))
done
