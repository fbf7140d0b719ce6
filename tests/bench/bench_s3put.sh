#!/usr/bin/env bash
# ped-s3put against `aws s3 cp` (Debian's awscli, default settings: 8 MiB
# parts, 10 threads), the same file to the same loopback s3rver in the same
# run. Prints the wall times, the speed ratio (aws time / ped-s3put time;
# the goal is >= 1.0) and ped-s3put's peak RSS (the goal is <= 64 MiB).
#
#   PED_BIN        folder with ped-s3put (default: bin)
#   PED_BENCH_MB   file size in MiB (default 1024)
set -eu
cd "$(dirname "$0")/../.."
bin=${PED_BIN:-$PWD/bin}
mb=${PED_BENCH_MB:-1024}
tmp=$(mktemp -d)
TESTS_DIR=$PWD/tests
. tests/s3/s3rver.bash

cleanup() {
	s3rver_stop "$tmp/s3rver"
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

if [ ! -x /usr/bin/time ]; then
	echo "bench_s3put: /usr/bin/time is missing (apt-get install time)" >&2
	exit 1
fi
s3rver_start "$tmp/s3rver"

head -c $((mb * 1024 * 1024)) /dev/urandom >"$tmp/f"
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER \
    AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null \
    AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
ep=$EP

# run NAME CMD...: wall seconds into $tmp/NAME.s, time -v into $tmp/NAME.t
run() {
	name=$1
	shift
	t0=$(date +%s.%N)
	/usr/bin/time -v -o "$tmp/$name.t" "$@"
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >"$tmp/$name.s"
}
run ped "$bin/ped-s3put" -q --endpoint "$ep" "$tmp/f" s3://testbucket/ped
run aws /usr/bin/aws --endpoint-url "$ep" s3 cp --quiet "$tmp/f" s3://testbucket/aws

rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/$1.t"; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { print a / b }'; }
ped_s=$(cat "$tmp/ped.s") aws_s=$(cat "$tmp/aws.s")
printf 's3put: %d MiB: ped-s3put %.2f s (%.0f MiB/s, peak RSS %d MiB), aws s3 cp %.2f s (%.0f MiB/s, peak RSS %d MiB)\n' \
    "$mb" "$ped_s" "$(div "$mb" "$ped_s")" $(($(rss ped) / 1024)) \
    "$aws_s" "$(div "$mb" "$aws_s")" $(($(rss aws) / 1024))
printf 's3put: ratio %.2f (aws s3 cp time / ped-s3put time, >= 1.0 wanted); ped-s3put peak RSS %d MiB (<= 64 wanted)\n' \
    "$(div "$aws_s" "$ped_s")" $(($(rss ped) / 1024))
