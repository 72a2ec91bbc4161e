# SPDX-License-Identifier: MIT
# bash completion for dyd(1)
_dyd()
{
	local cur prev words cword
	_init_completion || return

	local commands="batch export key policy schema status validate verify"
	if [[ $cword -eq 1 ]]; then
		COMPREPLY=($(compgen -W "$commands help --help --version" -- "$cur"))
		return
	fi
	local command=${words[1]}
	if [[ $command == help ]]; then
		if [[ $cword -eq 2 ]]; then
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return
	fi
	case $prev in
	--policy | --password-file | --results | --in | --sign-key | --trust)
		_filedir
		return
		;;
	-o | --output)
		_filedir zip
		return
		;;
	-d | --outdir)
		_filedir -d
		return
		;;
	--lang)
		COMPREPLY=($(compgen -W "en id" -- "$cur"))
		return
		;;
	--tz)
		COMPREPLY=($(compgen -W "UTC $(cd /usr/share/zoneinfo 2>/dev/null &&
			find . -type f -name '[A-Z]*' | sed 's|^\./||')" -- "$cur"))
		return
		;;
	--as-of | --level | -j | --jobs | --shard | --account | --phone)
		return
		;;
	esac
	local options
	case $command in
	batch)
		options="--outdir --jobs --resume --shard --results
			--allow-shared-outdir --policy --as-of --lang --tz --level
			--encrypt --password-file --sign-key --strict --verbose
			--quiet --json --help"
		;;
	export)
		options="--output --force --policy --as-of --lang --tz --level
			--encrypt --password-file --sign-key --strict --verbose
			--help"
		;;
	key)
		if [[ $cword -eq 2 ]]; then
			COMPREPLY=($(compgen -W "generate" -- "$cur"))
			return
		fi
		options="--output --force --help"
		;;
	policy)
		if [[ $cword -eq 2 ]]; then
			COMPREPLY=($(compgen -W "show check" -- "$cur"))
			return
		fi
		options="--policy --strict --json --help"
		;;
	schema)
		COMPREPLY=($(compgen -W "account decision manifest policy report
			results --help" -- "$cur"))
		return
		;;
	status)
		options="--in --account --phone --policy --as-of --lang --tz
			--explain --short --json --verbose --strict --help"
		;;
	validate)
		options="--policy --strict --json --quiet --verbose --help"
		;;
	verify)
		options="--password-file --trust --json --help"
		;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$options" -- "$cur"))
	else
		_filedir
	fi
} && complete -F _dyd dyd
