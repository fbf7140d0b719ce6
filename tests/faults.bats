#!/usr/bin/env bats
# Fault injection (tests/fault/faultshim.c, LD_PRELOAD): the Nth malloc,
# write or fclose fails, once or from then on. Every tool must either
# give exactly its normal output and exit 0 (the failure did not matter),
# or exit non-zero with a message: no crash, no hang, never a shorter
# output with exit 0.
load helper
load s3/s3rver

setup_file() {
	export SHIM="${PED_FAULTSHIM:-$ROOT/build/faultshim.so}"
	export SOURCE="$DATA/csv/ch3t_soda_5000rows_2019-11.csv"
	[ -n "${PED_ASAN:-}${PED_VALGRIND:-}" ] ||
	    s3rver_start "$BATS_FILE_TMPDIR/s3rver"
}

teardown_file() {
	[ -n "${PED_ASAN:-}${PED_VALGRIND:-}" ] ||
	    s3rver_stop "$BATS_FILE_TMPDIR/s3rver"
}

setup() {
	[ -z "${PED_ASAN:-}${PED_VALGRIND:-}" ] || skip "the shim replaces malloc, as ASan and valgrind do"
	[ -f "$SHIM" ] || skip "no $SHIM (make unit builds it)"
	cd "$BATS_TEST_TMPDIR"
	ped-fetch -q "$SOURCE" >hourly.tsv
	ped-agg -b day hourly.tsv >day.tsv
	ped-topn day.tsv >top.tsv
}

# calls KIND TOOL ARGS...: how many KIND calls one normal run makes.
calls() {
	local kind=$1
	shift
	PED_FAULT=$kind:0 PED_FAULT_COUNT=count LD_PRELOAD=$SHIM "$@" \
	    >/dev/null 2>&1
	cat count
}

# walk KIND EXPECTED TOOL ARGS...: fails call N of KIND, once and from N
# on, for N over every call (every 7th past the first 60 when there are
# many, which still reaches each phase of the run); prints what broke.
walk() {
	local kind=$1 expected=$2 tool=$3 total n mode rc bad=0
	shift 2
	total=$(calls "$kind" "$@")
	[ "$total" -gt 0 ] || { echo "$tool: no $kind calls counted"; return 1; }
	for ((n = 1; n <= total; n += (n < 60 ? 1 : 7))); do
		for mode in "" "+"; do
			rc=0
			timeout 20 env PED_FAULT="$kind:$n$mode" LD_PRELOAD="$SHIM" \
			    "$@" >out 2>err || rc=$?
			if [ "$rc" -eq 0 ]; then
				cmp -s out "$expected" && continue
				echo "$tool $kind:$n$mode: exit 0 but the output differs"
			elif [ "$rc" -ge 124 ]; then
				echo "$tool $kind:$n$mode: crashed or hung (status $rc): $(head -c 300 err)"
			elif ! [ -s err ]; then
				echo "$tool $kind:$n$mode: exit $rc without a message"
			else
				continue
			fi
			bad=$((bad + 1))
			[ $bad -lt 5 ] || return 1
		done
	done
	[ $bad -eq 0 ]
}

@test "ped-fetch: every malloc failing, once or from then on" {
	walk malloc hourly.tsv ped-fetch -q "$SOURCE"
}

@test "ped-fetch: writes and fclose failing" {
	walk write hourly.tsv ped-fetch -q "$SOURCE"
	walk fclose hourly.tsv ped-fetch -q "$SOURCE"
}

@test "ped-agg: malloc, write and fclose failing" {
	walk malloc day.tsv ped-agg -b day hourly.tsv
	walk write day.tsv ped-agg -b day hourly.tsv
	walk fclose day.tsv ped-agg -b day hourly.tsv
}

@test "ped-topn: malloc, write and fclose failing" {
	walk malloc top.tsv ped-topn day.tsv
	walk write top.tsv ped-topn day.tsv
	walk fclose top.tsv ped-topn day.tsv
}

@test "a failed write names the tool and the error" {
	run -1 --separate-stderr env PED_FAULT=write:1+ LD_PRELOAD="$SHIM" \
	    ped-agg -b day hourly.tsv
	assert_stderr 'ped-agg: stdout: No space left on device'
}

@test "getline running out of memory is an error, not the end of the input" {
	local n
	# Past the start-up allocations, the next one is getline's buffer.
	for n in 1 2 3 4 5; do
		run env PED_FAULT=malloc:$n LD_PRELOAD="$SHIM" ped-agg -b day hourly.tsv
		[ "$status" -ne 0 ] || [ "$output" = "$(cat day.tsv)" ] ||
		    fail "malloc:$n: exit 0 with $(wc -l <<<"$output") lines"
	done
}

@test "ped-s3put: malloc, write and fclose failing, on a single and a multipart upload" {
	unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 \
	    http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
	export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER \
	    AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
	    PED_RETRY_BASE_MS=1
	# OpenSSL 3.0 crashes on some failures of its own allocations (a
	# NULL lock used later): those are spared, every other one fails.
	export PED_FAULT_SPARE=libcrypto
	: >empty
	# Exit 0 means the ETag the server returned matched the data sent
	# (ped-s3put checks it), so success cannot hide a bad upload.
	walk malloc empty ped-s3put -q --endpoint "$EP" day.tsv s3://testbucket/faults/day.tsv
	walk write empty ped-s3put -q --endpoint "$EP" day.tsv s3://testbucket/faults/day.tsv
	walk fclose empty ped-s3put -q --endpoint "$EP" day.tsv s3://testbucket/faults/day.tsv
	head -c $((6 * 1024 * 1024)) /dev/urandom >six
	walk malloc empty ped-s3put -q --endpoint "$EP" --part-size 5 six s3://testbucket/faults/six
}
