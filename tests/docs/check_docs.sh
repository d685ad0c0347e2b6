#!/usr/bin/env bash
# Checks that the man pages and shell completions match the command line of the built mqchat.
#
#   check_docs.sh MQCHAT SOURCE_DIR [CHECK...]
#
# CHECK is one of help, groff, bash, zsh (default: all of them):
#   help   every command and every option in `mqchat [CMD] --help` appears in the command's man
#          page and in both completion scripts, so the docs cannot drift from the parser; nested
#          commands (`broker start`, `group send`, ...) are named in full in their parent's page,
#          and the bash completion offers them and their options
#   groff  `groff -man -ww -z` renders every man page without a warning
#   bash   the bash completion function offers the expected words
#   zsh    `zsh -n` accepts the zsh completion script
# Exit status: 0 all passed, 1 a check failed (each failure is printed), 77 skipped (a tool is
# missing; ctest reports it as skipped through SKIP_RETURN_CODE).
set -u

if (($# < 2)); then
  echo "usage: $0 MQCHAT SOURCE_DIR [help|groff|bash|zsh]..." >&2
  exit 2
fi
MQCHAT=$1
SRC=$2
shift 2
CHECKS=("$@")
((${#CHECKS[@]})) || CHECKS=(help groff bash zsh)

MAN=$SRC/man
BASH_COMP=$SRC/completions/mqchat.bash
ZSH_COMP=$SRC/completions/_mqchat
failures=0
skipped=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

skip() {
  echo "SKIP: $*" >&2
  skipped=$((skipped + 1))
}

# --- help: options of the parser vs. man pages and completions ---------------------------------

# The options listed under "Options:" in the help text on stdin, one per line (-n, --count, ...).
options_of_help() {
  awk '
    /^Options:/ { in_opts = 1; next }
    /^[^ ]/ { in_opts = 0 }
    in_opts && /^  -/ {
      n = split($1, names, ",")
      for (i = 1; i <= n; i++) print names[i]
    }'
}

# The subcommand names listed under "Subcommands:" in the help text on stdin.
subcommands_of_help() {
  awk '
    /^Subcommands:/ { in_subs = 1; next }
    /^[^ ]/ { in_subs = 0 }
    in_subs && /^  [a-z]/ { print $1 }'
}

# The text of a man page with roff escapes for '-' and font changes removed.
man_text() {
  sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' -e 's/\\&//g' "$1"
}

# True when WORD occurs in FILE_TEXT (stdin) as a whole option or command name.
has_word() {
  local word=$1 re
  re=$(printf '%s' "$word" | sed 's/[][\.*^$/]/\\&/g')
  grep -Eq -- "(^|[^-[:alnum:]_])${re}([^-[:alnum:]_]|$)"
}

# The man page of CMD; a nested command ("broker start", "group send") is documented on the
# page of its parent.
man_page_of() {
  local top=${1%% *}
  case $top in
    register | login | logout | whoami) echo "$MAN/mqchat-register.1" ;;
    '') echo "$MAN/mqchat.1" ;;
    *) echo "$MAN/mqchat-$top.1" ;;
  esac
}

# Checks the options of `mqchat $CMD --help` (CMD may be empty or two words).
check_options_of() {
  local cmd=$1 help page opt label=${1:-(global)}
  # shellcheck disable=SC2086  # CMD is split into its words on purpose
  if ! help=$("$MQCHAT" $cmd --help 2>&1); then
    fail "'mqchat $cmd --help' failed: $help"
    return
  fi
  page=$(man_page_of "$cmd")
  if [[ ! -f $page ]]; then
    fail "command '$label' has no man page $page"
  fi
  local -a opts
  mapfile -t opts < <(options_of_help <<<"$help")
  if ((${#opts[@]} == 0)); then
    fail "found no options in 'mqchat $cmd --help' (did the help format change?)"
    return
  fi
  for opt in "${opts[@]}"; do
    # -h/--help exists everywhere; mqchat(1) documents it once.
    if [[ -f $page ]] && [[ -z $cmd || ($opt != --help && $opt != -h) ]]; then
      man_text "$page" | has_word "$opt" ||
        fail "option $opt of '$label' is missing from man page ${page#"$SRC"/}"
    fi
    has_word "$opt" <"$BASH_COMP" ||
      fail "option $opt of '$label' is missing from completions/mqchat.bash"
    has_word "$opt" <"$ZSH_COMP" ||
      fail "option $opt of '$label' is missing from completions/_mqchat"
  done
}

# The words the bash completion offers for the command line WORDS... (the last one is being
# completed), one per line, in a clean environment; used for subcommands and options only.
bash_offers() {
  # shellcheck disable=SC2016  # the script is expanded by the inner bash
  env -i PATH=/usr/bin:/bin bash --norc --noprofile -c '
    source "$1" >/dev/null 2>&1 || exit 1
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _mqchat mqchat "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
    printf "%s\n" ${COMPREPLY[@]+"${COMPREPLY[@]}"}
  ' bash_offers "$BASH_COMP" "$@"
}

# Checks a nested command such as "group send": its man page names it in full ("group send"),
# the bash completion offers it after its parent and offers each of its options, and the zsh
# completion names it and its options.
check_nested() {
  local sub=$1 bsub=$2 page help opt
  page=$(man_page_of "$sub $bsub")
  if [[ -f $page ]]; then
    man_text "$page" | grep -Eq -- "(^|[^-[:alnum:]_])$sub $bsub([^-[:alnum:]_]|\$)" ||
      fail "command '$sub $bsub' is missing from ${page#"$SRC"/}"
  fi
  bash_offers mqchat "$sub" '' | grep -qx -- "$bsub" ||
    fail "completions/mqchat.bash does not offer '$bsub' after 'mqchat $sub'"
  has_word "$bsub" <"$ZSH_COMP" ||
    fail "command '$sub $bsub' is missing from completions/_mqchat"
  help=$("$MQCHAT" "$sub" "$bsub" --help 2>/dev/null) || return 0  # check_options_of says it
  local offered
  offered=$(bash_offers mqchat "$sub" "$bsub" -)
  while IFS= read -r opt; do
    [[ -n $opt ]] || continue
    grep -qx -- "$opt" <<<"$offered" ||
      fail "completions/mqchat.bash does not offer $opt after 'mqchat $sub $bsub'"
  done < <(options_of_help <<<"$help")
}

check_help() {
  local help sub bsub
  if [[ ! -x $MQCHAT ]]; then
    fail "mqchat binary '$MQCHAT' is not executable"
    return
  fi
  help=$("$MQCHAT" --help 2>&1) || fail "'mqchat --help' failed"
  check_options_of ""
  local -a subs
  mapfile -t subs < <(subcommands_of_help <<<"$help")
  ((${#subs[@]})) || fail "found no commands in 'mqchat --help'"
  for sub in "${subs[@]}"; do
    man_text "$MAN/mqchat.1" | has_word "$sub" || fail "command '$sub' is missing from man/mqchat.1"
    has_word "$sub" <"$BASH_COMP" || fail "command '$sub' is missing from completions/mqchat.bash"
    has_word "$sub" <"$ZSH_COMP" || fail "command '$sub' is missing from completions/_mqchat"
    check_options_of "$sub"
    local -a nested=()
    mapfile -t nested < <("$MQCHAT" "$sub" --help 2>/dev/null | subcommands_of_help)
    for bsub in "${nested[@]}"; do
      check_nested "$sub" "$bsub"
      check_options_of "$sub $bsub"
    done
  done
}

# --- groff: every page renders without a warning ----------------------------------------------

check_groff() {
  if ! command -v groff >/dev/null 2>&1; then
    skip "groff is not installed (Debian package 'groff', or at least 'groff-base'):" \
      "cannot check the man pages"
    return
  fi
  local page out found=0
  for page in "$MAN"/*.1 "$MAN"/*.7; do
    [[ -e $page ]] || continue
    found=1
    out=$(groff -man -ww -z "$page" 2>&1)
    if [[ -n $out ]]; then
      fail "groff -man -ww -z ${page#"$SRC"/} warns:"
      printf '  %s\n' "$out" >&2
    fi
  done
  ((found)) || fail "no man pages in $MAN"
}

# --- bash: the completion function offers the expected words ---------------------------------

check_bash() {
  local tmp
  tmp=$(mktemp -d) || {
    fail "mktemp failed"
    return
  }
  # A stand-in mqchat whose hidden `__complete users|groups` lists cached names and logs its
  # arguments.
  mkdir "$tmp/bin"
  cat >"$tmp/bin/mqchat" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >>"$tmp/args"
case "\$*" in
  *"__complete users") printf 'alice\nbob\nbobby\n' ;;
  *"__complete groups") printf 'Group_1\nGroup_2\ndevs\n' ;;
  *"__complete profiles") printf 'alice\nwork\n' ;;
  *"__complete keys") printf 'broker\nqos\nconnect_timeout\nmax_text_bytes\nsession_expiry\nprofile\n' ;;
  *) echo "mqchat: unknown command" >&2; exit 2 ;;
esac
EOF
  # One that fails: its output must be ignored.
  mkdir "$tmp/broken"
  printf '#!/bin/sh\necho garbage\necho "mqchat: broken" >&2\nexit 1\n' >"$tmp/broken/mqchat"
  chmod +x "$tmp/bin/mqchat" "$tmp/broken/mqchat"

  # Each case: EXPECT WORDS... ; EXPECT is "+a b" (must include a and b), "=a b" (exactly, in any
  # order) or "=" (nothing). WORDS end with the word being completed.
  local driver=$tmp/driver.bash
  cat >"$driver" <<'EOF'
set -u
source "$1" || { echo "cannot source $1"; exit 1; }
status=0
complete -p mqchat >/dev/null 2>&1 || { echo "'complete -p mqchat' shows no completion"; status=1; }
expect() {
  local want=$1
  shift
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  local err
  err=$(_mqchat "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>&1 >/dev/null)
  _mqchat "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
  local got=" ${COMPREPLY[*]:-} " w
  if [[ -n $err ]]; then
    echo "completing '$*' printed on stderr: $err"
    status=1
  fi
  case $want in
    +*)
      for w in ${want#+}; do
        [[ $got == *" $w "* ]] || { echo "completing '$*': expected '$w', got:$got"; status=1; }
      done
      ;;
    =*)
      local -a exp=(${want#=}) sorted_got sorted_exp
      mapfile -t sorted_got < <(printf '%s\n' ${COMPREPLY[@]+"${COMPREPLY[@]}"} | sort)
      mapfile -t sorted_exp < <(printf '%s\n' ${exp[@]+"${exp[@]}"} | sort)
      [[ "${sorted_got[*]:-}" == "${sorted_exp[*]:-}" ]] ||
        { echo "completing '$*': expected exactly '${want#=}', got:$got"; status=1; }
      ;;
  esac
}
EOF
  cat >>"$driver" <<EOF
PATH="$tmp/bin:\$PATH"
expect "=send" mqchat se
expect "+register login logout whoami send group who listen history broker" mqchat ''
expect "+--lines --json --home --profile --broker" mqchat send --
expect "=--from --format" mqchat listen --f
expect "=--match" mqchat listen --ma
expect "=--exec" mqchat listen --ex
expect "=" mqchat listen --match ''
expect "=" mqchat listen --format ''
expect "+--count --timeout --from" mqchat listen -
expect "+--with -n" mqchat history -
expect "=--phone" mqchat register --ph
expect "=--online" mqchat who --on
expect "=--profile" mqchat send --pro
expect "=--json" mqchat --js
expect "=0 1 2" mqchat --qos ''
expect "=start config adduser deluser" mqchat broker ''
expect "+--port --bind --data-dir" mqchat broker start --
expect "=--data-dir" mqchat broker config --d
expect "=alice" mqchat send al
expect "=bob bobby" mqchat send b
expect "=" mqchat send bob ''
expect "=alice bob bobby" mqchat listen --from ''
expect "=bob bobby" mqchat history --with b
expect "=bob bobby" mqchat history --with = b
expect "=" mqchat listen --count ''
expect "=send" mqchat group s
expect "=join leave send list members" mqchat group ''
expect "+--join --lines --json --home" mqchat group send --
expect "=--join" mqchat group send --jo
expect "=--json" mqchat group join --j
expect "=--json" mqchat group list --j
expect "=Group_1 Group_2" mqchat group send G
expect "=Group_1 Group_2 devs" mqchat group leave ''
expect "=devs" mqchat group members d
expect "=Group_1 Group_2 devs" mqchat group send --join ''
expect "=" mqchat group send Group_1 ''
expect "=" mqchat group list ''
expect "=Group_1 Group_2 devs" mqchat listen --group ''
expect "=devs" mqchat history --group d
expect "=Group_1 Group_2" mqchat history --group = G
expect "+--with --group -n" mqchat history -
expect "=--group" mqchat listen --g
expect "+config profile" mqchat ''
expect "=get set unset list" mqchat config ''
expect "=list use" mqchat profile ''
expect "=alice work" mqchat profile use ''
expect "=" mqchat profile use alice ''
expect "=work" mqchat --profile w
expect "=work" mqchat send --profile w
expect "=qos" mqchat config get q
expect "=connect_timeout" mqchat config set --in-profile co
expect "=0 1 2" mqchat config set qos ''
expect "=alice" mqchat config set profile a
expect "=" mqchat config list ''
expect "=--in-profile" mqchat config unset --in-p
expect "=--batch" mqchat send --ba
: >"$tmp/args"
expect "=devs" mqchat --home /srv/chat group send d
grep -qx -- '--home /srv/chat __complete groups' "$tmp/args" ||
  { echo "the group cache was not read with the --home of the command line:" \
      "\$(cat "$tmp/args")"; status=1; }
: >"$tmp/args"
expect "=alice" mqchat --home /srv/chat --profile al send al
grep -qx -- '--home /srv/chat --profile al __complete users' "$tmp/args" ||
  { echo "the user cache was not read with the --home and --profile of the command line:" \
      "\$(cat "$tmp/args")"; status=1; }
# A failing or missing '__complete users|groups' offers nothing and prints nothing.
PATH="$tmp/broken:\$PATH"
expect "=" mqchat send ''
expect "=" mqchat listen --from ''
expect "=" mqchat group send ''
expect "=" mqchat listen --group ''
expect "=" "$tmp/none/mqchat" history --group ''
expect "=" "$MQCHAT" send ''
expect "=" "$tmp/none/mqchat" history --with ''
exit \$status
EOF
  local out
  if ! out=$(bash --norc --noprofile "$driver" "$BASH_COMP" 2>&1); then
    fail "bash completion:"
    printf '  %s\n' "$out" >&2
  fi
  rm -rf "$tmp"
}

# --- zsh: the completion script parses ------------------------------------------------------

check_zsh() {
  if ! command -v zsh >/dev/null 2>&1; then
    skip "zsh is not installed (Debian package 'zsh'): cannot check completions/_mqchat"
    return
  fi
  local out
  out=$(zsh -n "$ZSH_COMP" 2>&1) || {
    fail "zsh -n completions/_mqchat:"
    printf '  %s\n' "$out" >&2
  }
  head -n 1 "$ZSH_COMP" | grep -qx '#compdef mqchat' ||
    fail "completions/_mqchat does not start with '#compdef mqchat'"
  check_zsh_completion
}

# Runs the real completion in an interactive zsh on a pseudo-terminal (zsh/zpty) and records
# what it offers, through a compadd wrapper.
check_zsh_completion() {
  if ! zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
    skip "zsh has no zsh/zpty module: cannot run the zsh completion"
    return
  fi
  local tmp out
  tmp=$(mktemp -d) || return
  mkdir "$tmp/bin"
  printf '#!/bin/sh\ncase "$*" in *"__complete users") printf "alice\\nbob\\n" ;; *"__complete groups") printf "Group_1\\ndevs\\n" ;; *"__complete profiles") printf "work\\nhome\\n" ;; *"__complete keys") printf "broker\\nqos\\n" ;; *) exit 2 ;; esac\n' \
    >"$tmp/bin/mqchat"
  chmod +x "$tmp/bin/mqchat"
  cat >"$tmp/run.zsh" <<'EOF2'
zmodload zsh/zpty
dir=$1 comp=$2 status_=0
zpty -b z 'zsh -f -i'
zpty -w z "PS1= RPS1=; fpath=(${(q)comp} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "PATH=${(q)dir}/bin:\$PATH"
zpty -w z 'compadd() { local -a h; builtin compadd -O h "$@"; print -r -- ${h} >>'"${(q)dir}"'/out; builtin compadd "$@" }'
expect() {
  local line=$1 want=$2 i got
  : >$dir/out
  zpty -w -n z "$line"$'\t'
  for (( i = 0; i < 50; i++ )); do [[ -s $dir/out ]] && break; sleep 0.1; done
  sleep 0.3
  zpty -w -n z $'\C-u'
  got=" ${(j: :)${(f)"$(<$dir/out)"}} "
  if [[ $got != *" $want "* ]]; then
    print -r -- "completing '$line': expected '$want', got:$got"
    status_=1
  fi
}
expect 'mqchat se' send
expect 'mqchat send --' --lines
expect 'mqchat listen --f' --from
expect 'mqchat send al' alice
expect 'mqchat history --with b' bob
expect 'mqchat broker start --d' --data-dir
expect 'mqchat gr' group
expect 'mqchat group s' send
expect 'mqchat group m' members
expect 'mqchat group l' leave
expect 'mqchat group send --j' --join
expect 'mqchat group send --l' --lines
expect 'mqchat group leave G' Group_1
expect 'mqchat listen --group=d' devs
expect 'mqchat history --gr' --group
expect 'mqchat con' config
expect 'mqchat profile u' use
expect 'mqchat profile use w' work
expect 'mqchat config get q' qos
expect 'mqchat --profile h' home
expect 'mqchat send --ba' --batch
zpty -d z
exit $status_
EOF2
  if ! out=$(timeout 120 zsh -f "$tmp/run.zsh" "$tmp" "$(dirname "$ZSH_COMP")" 2>&1); then
    fail "zsh completion:"
    printf '  %s\n' "$out" >&2
  fi
  rm -rf "$tmp"
}

for check in "${CHECKS[@]}"; do
  case $check in
    help) check_help ;;
    groff) check_groff ;;
    bash) check_bash ;;
    zsh) check_zsh ;;
    *)
      echo "unknown check '$check' (use help, groff, bash or zsh)" >&2
      exit 2
      ;;
  esac
done

if ((failures)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
if ((skipped)); then exit 77; fi
echo "ok: ${CHECKS[*]}"
