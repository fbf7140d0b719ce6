#!/usr/bin/env bats
# The bad-input corpus: every file in tests/bad/ is run through the tool
# its name starts with, and must give exactly the exit status and the
# message that tests/bad/expected lists for it (exit 65 with FILE:LINE,
# or 0 where real data has the case and the man page documents it).
load helper

# command_for FILE: the tool and options a corpus file is read with.
command_for() {
	case $1 in
	fetch_*) echo "ped-fetch" ;;
	agg_*) echo "ped-agg -b day" ;;
	topn_*) echo "ped-topn" ;;
	esac
}

@test "tests/bad: at least 30 inputs, each listed in tests/bad/expected" {
	local n f missing=""
	cd "$TESTS_DIR/bad"
	n=$(find . -maxdepth 1 -type f ! -name expected | wc -l)
	[ "$n" -ge 30 ] || fail "only $n bad inputs"
	for f in *; do
		[ "$f" = expected ] && continue
		grep -q "^$f	" expected || missing="$missing $f"
	done
	[ -z "$missing" ] || fail "not in tests/bad/expected:$missing"
}

@test "tests/bad: each input gives its listed status and message" {
	local file status message cmd got rc bad=""
	cd "$TESTS_DIR/bad"
	while IFS=$'\t' read -r file status message; do
		case $file in ''|'#'*) continue ;; esac
		[ -f "$file" ] || { bad="$bad\n$file: listed but missing"; continue; }
		cmd=$(command_for "$file")
		rc=0
		# shellcheck disable=SC2086
		got=$($cmd "$file" 2>&1 >/dev/null) || rc=$?
		if [ "$rc" != "$status" ] || [ "$got" != "$message" ]; then
			bad="$bad\n$file: expected $status \"$message\"\n${file//?/ }  got      $rc \"$got\""
		fi
	done <expected
	[ -z "$bad" ] || fail "$(printf '%b' "$bad")"
}
