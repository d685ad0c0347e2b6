# bash completion for mqchat                                   -*- shell-script -*-
#
# Completes commands, their options and the global options (which may come before or after the
# command), user names for `send USER`, `trust USER`, `listen --from` and `history --with`, and group names for
# `group join|leave|send|members GROUP`, `listen --group` and `history --group`, local profile
# names for `--profile` and `profile use`, and setting keys for `config get|set|unset`. The names
# come from `mqchat __complete users|groups|profiles|keys`, which read local files only;
# when that command is missing or fails, nothing is offered. Completion never touches the
# network and never prints errors.
#
# tests/docs/check_docs.sh checks that every option in `mqchat CMD --help` is listed here.

_mqchat_global_opts='--broker --profile --home --qos --connect-timeout --password-file --cafile
  --cert --key --insecure --json -q --quiet -v --verbose --version -h --help'

# Options of each command, besides the global ones.
_mqchat_cmd_opts() {
  case $1 in
    register) echo '--phone --save-password' ;;
    login) echo '--phone --key-file --save-password' ;;
    send) echo '--lines --skip --retry-for --require-encryption --batch' ;;
    who) echo '--online' ;;
    doctor) echo '--queue' ;;
    listen) echo '--count --timeout --from --group --match --format --verified-only --exec' ;;
    history) echo '--with --group -n' ;;
    'group send') echo '--lines --skip --retry-for --require-encryption --join' ;;
    'broker start' | 'broker config') echo '--port --bind --data-dir --auth --tls --tls-port --cert --key' ;;
    'broker adduser') echo '--data-dir --password-file' ;;
    'broker deluser') echo '--data-dir' ;;
    'config set' | 'config unset') echo '--in-profile' ;;
  esac
}

# Prints the cached names of KIND (users or groups), one per line; prints nothing on any failure.
# $1 is KIND, $2 the mqchat being completed; the remaining arguments are the --home/--profile
# options of the command line, so the cache of the right state directory is read.
_mqchat_names() {
  local kind=$1 prog=$2
  shift 2
  [[ $prog == */* && -x $prog ]] || prog=mqchat
  type -P -- "$prog" >/dev/null 2>&1 || return 0
  local out
  if type -P timeout >/dev/null 2>&1; then
    out=$(timeout 3 "$prog" "$@" __complete "$kind" 2>/dev/null </dev/null) || return 0
  else
    out=$("$prog" "$@" __complete "$kind" 2>/dev/null </dev/null) || return 0
  fi
  printf '%s\n' "$out"
}

_mqchat_users() { _mqchat_names users "$@"; }
_mqchat_groups() { _mqchat_names groups "$@"; }
_mqchat_profiles() { _mqchat_names profiles "$@"; }
_mqchat_keys() { _mqchat_names keys "$@"; }

_mqchat() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local prev=
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  # `--from=al`: bash splits at '=' (COMP_WORDBREAKS), giving "--from" "=" "al".
  if [[ $cur == '=' ]]; then
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    cur=
  elif [[ $prev == '=' ]] && ((COMP_CWORD > 1)); then
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  fi

  # Find the command (and the broker or group subcommand, and the group name after it) and the
  # options that choose the state dir.
  local cmd= sub= arg= i word
  local -a state_opts=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    case $word in
      --home | --profile)
        if ((i + 1 < COMP_CWORD)); then
          local value=${COMP_WORDS[i + 1]}
          if [[ $value == '=' ]] && ((i + 2 < COMP_CWORD)); then
            value=${COMP_WORDS[i + 2]}
            ((i++))
          fi
          [[ $value == '~'/* ]] && value=$HOME/${value#'~/'}
          state_opts+=("$word" "$value")
        fi
        ((i++))
        ;;
      --home=* | --profile=*)
        state_opts+=("$word")
        ;;
      --broker | --qos | --connect-timeout | --phone | -n | --count | -t | --timeout | --from | \
        --with | --group | --port | --bind | --data-dir | --tls-port | --password-file | --cafile | \
        --cert | --key | --key-file | --queue | --skip | --retry-for)
        ((i++))
        [[ ${COMP_WORDS[i]} == '=' ]] && ((i++))
        ;;
      -*) ;;
      *)
        if [[ -z $cmd ]]; then
          cmd=$word
        elif [[ $cmd =~ ^(broker|group|config|profile|key)$ && -z $sub ]]; then
          sub=$word
        elif [[ $cmd =~ ^(send|trust)$ && -z $sub ]]; then
          sub=$word # the recipient (send: what follows is text)
        elif [[ $cmd == group && -z $arg ]]; then
          arg=$word # the group: what follows is text (send) or nothing
        elif [[ $cmd =~ ^(config|profile)$ && -z $arg ]]; then
          arg=$word # the key (what follows is its value) or the profile
        fi
        ;;
    esac
  done

  COMPREPLY=()
  case $prev in
    --home | --data-dir)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      return 0
      ;;
    --password-file | --cafile | --cert | --key | --key-file)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return 0
      ;;
    --qos)
      COMPREPLY=($(compgen -W '0 1 2' -- "$cur"))
      return 0
      ;;
    --from | --with)
      if [[ $cmd == listen && $prev == --from ]] || [[ $cmd == history && $prev == --with ]]; then
        COMPREPLY=($(compgen -W "$(_mqchat_users "${COMP_WORDS[0]}" "${state_opts[@]}")" \
          -- "$cur"))
      fi
      return 0
      ;;
    --group)
      if [[ $cmd == listen || $cmd == history ]]; then
        COMPREPLY=($(compgen -W "$(_mqchat_groups "${COMP_WORDS[0]}" "${state_opts[@]}")" \
          -- "$cur"))
      fi
      return 0
      ;;
    --profile)
      COMPREPLY=($(compgen -W "$(_mqchat_profiles "${COMP_WORDS[0]}" "${state_opts[@]}")" \
        -- "$cur"))
      return 0
      ;;
    --exec)
      # A program to run per message (no shell): complete command names.
      [[ $cmd == listen ]] && COMPREPLY=($(compgen -c -- "$cur"))
      return 0
      ;;
    --broker | --connect-timeout | --phone | -n | --count | -t | --timeout | \
      --port | --bind | --match | --format | --tls-port | --queue | --skip | --retry-for)
      return 0
      ;;
  esac

  if [[ $cur == -* ]]; then
    local opts=$_mqchat_global_opts
    if [[ $cmd =~ ^(broker|group|config|profile|key)$ ]]; then
      [[ -n $sub ]] && opts+=" $(_mqchat_cmd_opts "$cmd $sub")"
    elif [[ -n $cmd ]]; then
      opts+=" $(_mqchat_cmd_opts "$cmd")"
    fi
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return 0
  fi

  if [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W 'register login logout whoami send group who listen history key
      trust broker config profile doctor' -- "$cur"))
  elif [[ $cmd == broker && -z $sub ]]; then
    COMPREPLY=($(compgen -W 'start config adduser deluser' -- "$cur"))
  elif [[ $cmd == group && -z $sub ]]; then
    COMPREPLY=($(compgen -W 'join leave send list members' -- "$cur"))
  elif [[ $cmd == group && -z $arg && $sub =~ ^(join|leave|send|members)$ ]]; then
    COMPREPLY=($(compgen -W "$(_mqchat_groups "${COMP_WORDS[0]}" "${state_opts[@]}")" \
      -- "$cur"))
  elif [[ $cmd == config && -z $sub ]]; then
    COMPREPLY=($(compgen -W 'get set unset list' -- "$cur"))
  elif [[ $cmd == config && -z $arg && $sub =~ ^(get|set|unset)$ ]]; then
    COMPREPLY=($(compgen -W "$(_mqchat_keys "${COMP_WORDS[0]}" "${state_opts[@]}")" -- "$cur"))
  elif [[ $cmd == config && $sub == set && $arg == qos ]]; then
    COMPREPLY=($(compgen -W '0 1 2' -- "$cur"))
  elif [[ $cmd == config && $sub == set && $arg == encryption ]]; then
    COMPREPLY=($(compgen -W 'on off' -- "$cur"))
  elif [[ $cmd == config && $sub == set && $arg =~ ^(insecure|require_encryption|verified_only)$ ]]; then
    COMPREPLY=($(compgen -W 'true false' -- "$cur"))
  elif [[ $cmd == config && $sub == set && $arg == profile ]]; then
    COMPREPLY=($(compgen -W "$(_mqchat_profiles "${COMP_WORDS[0]}" "${state_opts[@]}")" \
      -- "$cur"))
  elif [[ $cmd == profile && -z $sub ]]; then
    COMPREPLY=($(compgen -W 'list use' -- "$cur"))
  elif [[ $cmd == profile && $sub == use && -z $arg ]]; then
    COMPREPLY=($(compgen -W "$(_mqchat_profiles "${COMP_WORDS[0]}" "${state_opts[@]}")" \
      -- "$cur"))
  elif [[ $cmd == key && -z $sub ]]; then
    COMPREPLY=($(compgen -W 'export' -- "$cur"))
  elif [[ $cmd =~ ^(send|trust)$ && -z $sub ]]; then
    COMPREPLY=($(compgen -W "$(_mqchat_users "${COMP_WORDS[0]}" "${state_opts[@]}")" \
      -- "$cur"))
  fi
  return 0
}

complete -F _mqchat mqchat
