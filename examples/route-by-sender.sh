#!/bin/sh
# route-by-sender.sh - file every incoming message under its sender, one JSON Lines file each.
#
# Usage: route-by-sender.sh DIR [LISTEN-OPTIONS...]
#   route-by-sender.sh ~/chat-log                     # until Ctrl-C
#   route-by-sender.sh ~/chat-log --group ops         # only the ops group
#   jq -r .text ~/chat-log/alice.jsonl                # read what alice wrote
#
# `listen --json` prints one JSON object per message and flushes it at once; jq picks the
# sender and re-emits the object on one line. Sender names are restricted by mqchat to
# A-Z a-z 0-9 _ . - (never '/'), and checked again below, so they are safe as file names.
set -eu

dir=${1:?usage: route-by-sender.sh DIR [LISTEN-OPTIONS...]}
shift
mkdir -p "$dir"
tab=$(printf '\t')

mqchat listen --json "$@" |
  jq --unbuffered -r '.from + "\t" + tojson' |
  while IFS=$tab read -r from message; do
    case $from in
      '' | [!A-Za-z0-9]* | *[!A-Za-z0-9_.-]*) echo "route-by-sender: odd sender skipped" >&2 ;;
      *) printf '%s\n' "$message" >>"$dir/$from.jsonl" ;;
    esac
  done
