# Starts and stops the loopback HTTP(S) server of tests/servers/httpd.py
# for a bats file. Use from setup_file / teardown_file:
#
#   httpd_start NAME ROOT [CERT KEY]   sets NAME_PORT, NAME_LOG, NAME_PID
#   httpd_stop NAME
#
# The server binds 127.0.0.1 port 0 and reports the port through a file;
# its stderr goes to $BATS_FILE_TMPDIR/NAME.err.

HTTPD_PY="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/httpd.py"

httpd_start() {
	local name=$1 root=$2 dir=$BATS_FILE_TMPDIR i pid
	rm -f "$dir/$name.port"
	: >"$dir/$name.log"
	python3 "$HTTPD_PY" "$root" "$dir/$name.port" "$dir/$name.log" \
	    "${@:3}" </dev/null >/dev/null 2>"$dir/$name.err" 3>&- &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$dir/$name.port" ] && break
		if ! kill -0 "$pid" 2>/dev/null; then
			cat "$dir/$name.err" >&2
			return 1
		fi
		sleep 0.1
	done
	[ -s "$dir/$name.port" ] || { kill "$pid"; return 1; }
	printf -v "${name}_PORT" '%s' "$(<"$dir/$name.port")"
	printf -v "${name}_LOG" '%s' "$dir/$name.log"
	printf -v "${name}_PID" '%s' "$pid"
	export "${name}_PORT" "${name}_LOG" "${name}_PID"
}

httpd_stop() {
	local var="${1}_PID"
	[ -n "${!var:-}" ] || return 0
	kill "${!var}" 2>/dev/null || true
	wait "${!var}" 2>/dev/null || true
}
