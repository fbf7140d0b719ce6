# The loopback S3 server for bats tests: @20minutes/s3rver (pinned in
# tests/s3, installed by make deps) with the bucket "testbucket".
#   s3rver_start DIR   starts it with its data in DIR; sets S3PORT and EP
#   s3rver_stop DIR    stops it

s3rver_start() {
	local d=$1 i
	if [ ! -d "$TESTS_DIR/s3/node_modules/@20minutes/s3rver" ]; then
		echo "tests/s3/node_modules is missing: run make deps" >&2
		return 1
	fi
	mkdir -p "$d"
	node "$TESTS_DIR/s3/s3rver-cli.js" -d "$d/data" -a 127.0.0.1 -p 0 \
	    --silent --configure-bucket testbucket >"$d/log" 2>&1 3>&- &
	echo $! >"$d/pid"
	for i in $(seq 300); do
		S3PORT=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$d/log")
		[ -n "$S3PORT" ] && break
		sleep 0.05
	done
	[ -n "$S3PORT" ] || { cat "$d/log" >&2; return 1; }
	export S3PORT EP="http://127.0.0.1:$S3PORT"
}

s3rver_stop() {
	local pid
	pid=$(cat "$1/pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
}
