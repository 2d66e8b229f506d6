# SPDX-License-Identifier: GPL-3.0-or-later
# bash completion for the cramp command; installed as
# share/bash-completion/completions/cramp (bash-completion loads it on the
# first 'cramp <TAB>'). Commands and options are read from 'cramp --help' and
# 'cramp COMMAND --help', so they follow the installed version.

_cramp_commands()
{
    "${1:-cramp}" --help 2>/dev/null |
        awk '/^Commands:/ {on = 1; next} on && /^$/ {exit} on {print $1}'
}

_cramp_options()
{
    "$1" "$2" --help 2>/dev/null | grep -o -- '--[a-z0-9][a-z0-9-]*' | sort -u
}

_cramp()
{
    local cur prev cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    local prog=${COMP_WORDS[0]}
    cmd=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -*) ;;
        *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done
    if [ -z "$cmd" ]; then
        COMPREPLY=($(compgen -W "$(_cramp_commands "$prog") help --help --version" -- "$cur"))
        return 0
    fi
    if [ "$cmd" = help ]; then
        COMPREPLY=($(compgen -W "$(_cramp_commands "$prog")" -- "$cur"))
        return 0
    fi
    case $prev in
    --mains) COMPREPLY=($(compgen -W "50 60 auto none" -- "$cur")); return 0 ;;
    --simd) COMPREPLY=($(compgen -W "auto scalar avx2 avx512" -- "$cur")); return 0 ;;
    --kind) COMPREPLY=($(compgen -W "rms mav linear tkeo" -- "$cur")); return 0 ;;
    --window) [ "$cmd" = fatigue ] && { COMPREPLY=($(compgen -W "hann hamming tukey rect" -- "$cur")); return 0; } ;;
    --class) COMPREPLY=($(compgen -W "cramp plm burst movement artefact all" -- "$cur")); return 0 ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_cramp_options "$prog" "$cmd")" -- "$cur"))
        return 0
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
    compopt -o filenames 2>/dev/null
    return 0
}
complete -F _cramp cramp
