#!/usr/bin/env bats
# ped-pipeline: all or nothing when publishing, one run at a time per output
# folder (flock), and signals that act at once.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
	P="$ROOT/scripts/pipeline.sh"
	SAMPLE="$ROOT/data/melbourne_ods_counts_50k_sample.csv.gz"
	SEED="$DATA/pipeline/bonatoc_test_stats.json"
}

# stage_pids: processes holding a file of a ped-pipeline work folder open
# (the stages, which read and write its FIFOs).
stage_pids() {
	local d
	for d in /proc/[0-9]*; do
		find "$d/fd" -lname "$PWD/out/.ped-pipeline.*" 2>/dev/null | grep -q . &&
		    echo "${d#/proc/}"
	done
	return 0
}

# until_true TRIES CMD...: run CMD every 0.05 s until it succeeds.
until_true() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

@test "a folder named like a table is an error found before fetching; nothing is replaced" {
	mkdir -p out/top10_by_month.csv
	echo old >out/top10_by_day.csv
	run -1 --separate-stderr "$P" -s "$SEED" -o out
	assert_stderr 'ped-pipeline: "out/top10_by_month.csv" is in the way: it is not a file; nothing written'
	run cat out/top10_by_day.csv
	assert_output old
	run ls -A out
	assert_output "$(printf 'top10_by_day.csv\ntop10_by_month.csv')"
}

@test "a rename that fails half-way puts the old tables back" {
	mkdir out fakebin
	echo old-day >out/top10_by_day.csv
	echo old-month >out/top10_by_month.csv
	echo old-weekday >out/top10_by_weekday.csv
	# mv fails for the second table, after the first was replaced.
	printf '#!/bin/sh\ncase "$*" in *out/top10_by_month.csv) echo "mv: disk on fire" >&2; exit 1;; esac\nexec /bin/mv "$@"\n' >fakebin/mv
	chmod +x fakebin/mv
	run -1 --separate-stderr env PATH="$PWD/fakebin:$PATH" "$P" -s "$SEED" -o out -p day,month,weekday
	assert_stderr 'ped-pipeline: "out/top10_by_month.csv": cannot publish: disk on fire; the old files are back'
	run cat out/top10_by_day.csv out/top10_by_month.csv out/top10_by_weekday.csv
	assert_output "$(printf 'old-day\nold-month\nold-weekday')"
	run ls -A out
	assert_output "$(printf 'top10_by_day.csv\ntop10_by_month.csv\ntop10_by_weekday.csv')"
	# A table that did not exist before is removed again.
	rm out/top10_by_day.csv
	run -1 env PATH="$PWD/fakebin:$PATH" "$P" -s "$SEED" -o out -p day,month
	run ls -A out
	assert_output "$(printf 'top10_by_month.csv\ntop10_by_weekday.csv')"
}

@test "a new set replaces the old one, and leaves no work folder" {
	mkdir out
	echo old >out/top10_by_day.csv
	echo unrelated >out/notes.txt
	run -0 "$P" -s "$SEED" -o out --quiet
	cmp out/top10_by_day.csv <(ped-fetch "$SEED" | ped-agg -b day | ped-topn --csv)
	run ls -A out
	assert_output "$(printf 'notes.txt\ntop10_by_day.csv\ntop10_by_month.csv')"
}

@test "a work folder a killed run left behind is removed once the lock is held" {
	mkdir -p out/.ped-pipeline.AbC123/in-day out/.ped-pipeline.keep
	run -0 "$P" -s "$SEED" -o out --quiet
	run ls -A out
	assert_output "$(printf '.ped-pipeline.keep\ntop10_by_day.csv\ntop10_by_month.csv')"
}

@test "--no-wait fails at once while another run holds the folder" {
	mkdir out
	# Hold the lock as a running ped-pipeline would, until the FIFO opens.
	mkfifo release
	flock out cat release 3>&- &
	until_true 200 bash -c '! flock -n out true' || fail "the lock was not taken"
	run -1 --separate-stderr "$P" -s "$SEED" -o out --no-wait
	assert_stderr 'ped-pipeline: "out": another ped-pipeline run is writing there (--no-wait)'
	run ls -A out
	assert_output ''
	echo >release
	wait
}

@test "a second run waits for the lock, then writes" {
	mkdir out
	mkfifo release
	flock out cat release 3>&- &
	holder=$!
	until_true 200 bash -c '! flock -n out true' || fail "the lock was not taken"
	"$P" -s "$SEED" -o out 2>err 3>&- &
	pid=$!
	until_true 400 grep -q 'waiting for another run' err || fail "no waiting note: $(cat err)"
	# It waits: nothing is written while the lock is held.
	run ls -A out
	assert_output ''
	echo >release
	wait "$holder"
	wait "$pid"
	run ls -A out
	assert_output "$(printf 'top10_by_day.csv\ntop10_by_month.csv')"
	run cat err
	assert_line --index 0 'ped-pipeline: "out": waiting for another run to finish'
	# --quiet waits silently.
	flock out cat release 3>&- &
	until_true 200 bash -c '! flock -n out true' || fail "the lock was not taken"
	"$P" -s "$SEED" -o out --quiet 2>err 3>&- &
	pid=$!
	until_true 400 bash -c "ls /proc/$pid/fd -l | grep -q '/out$'"
	echo >release
	wait "$pid"
	run cat err
	assert_output ''
}

@test "runs on one folder one after the other: each set is complete" {
	gzip -dc "$SAMPLE" | head -20001 >a.csv
	for i in 1 2 3; do
		"$P" -s a.csv -o out -p day,month --quiet 3>&- &
		"$P" -s "$SEED" -o out -p day,month --quiet 3>&- &
	done
	wait
	# Both tables come from the same source: one from the sample and one
	# from the seed data is a mix.
	day=$(cut -c1-4 out/top10_by_day.csv | sed -n 2p)
	month=$(cut -c1-4 out/top10_by_month.csv | sed -n 2p)
	assert_equal "$day" "$month"
	run ls -A out
	assert_output "$(printf 'top10_by_day.csv\ntop10_by_month.csv')"
}

# interrupt SIGNAL STATUS: start a pipeline on a source that never ends,
# send SIGNAL once the stages run, check it ends at once with STATUS,
# every stage gone, and no work folder or FIFO left.
interrupt() {
	local sig=$1 want=$2 pids pid st=0 p
	mkdir out
	echo old >out/top10_by_day.csv
	mkfifo src
	# A background job ignores SIGINT unless reset.
	env --default-signal=INT "$P" -s "$PWD/src" -o out 2>err 3>&- &
	pid=$!
	exec 5>src
	gzip -dc "$SAMPLE" | head -1000 >&5
	until_true 400 bash -c '[ "$(find out -name "in-*" | wc -l)" -ge 1 ]' ||
	    fail "the stages did not start"
	until_true 400 bash -c "[ \$(cd '$PWD' && $(declare -f stage_pids); stage_pids | wc -l) -ge 4 ]" ||
	    fail "the stages did not start"
	pids=$(stage_pids)
	kill "-$sig" "$pid"
	# ped-fetch still waits for rows: the script must not wait for it.
	until_true 600 bash -c "! kill -0 $pid 2>/dev/null" || {
		exec 5>&-
		fail "ped-pipeline did not stop on SIG$sig"
	}
	wait "$pid" || st=$?
	exec 5>&-
	assert_equal "$st" "$want"
	for p in $pids; do
		! kill -0 "$p" 2>/dev/null || fail "stage $p ($(cat /proc/"$p"/cmdline | tr '\0' ' ')) still runs"
	done
	run ls -A out
	assert_output top10_by_day.csv
	run cat out/top10_by_day.csv
	assert_output old
	run cat err
	assert_output "ped-pipeline: interrupted by SIG$sig; nothing written"
}

@test "SIGTERM stops every stage at once; no work folder or FIFO is left" {
	interrupt TERM 143
}

@test "SIGINT stops every stage at once; no work folder or FIFO is left" {
	interrupt INT 130
}

@test "SIGHUP (the terminal closed) stops every stage too" {
	interrupt HUP 129
}

# killed_stage TOOL: a bin folder where TOOL is killed with SIGKILL once
# it has written its first bytes (mid-run), the other tools real.
killed_stage() {
	local t
	mkdir -p kbin
	for t in ped-fetch ped-agg ped-topn ped-s3put; do
		ln -sf "$PED_BIN/$t" "kbin/$t"
	done
	rm -f "kbin/$1"
	cat >"kbin/$1" <<EOF
#!/bin/bash
# SIGKILL to this stage once $1 has written its first bytes.
"$PED_BIN/$1" "\$@" | { head -c 200; kill -KILL \$\$; cat >/dev/null; }
EOF
	chmod +x "kbin/$1"
}

@test "kill -9 of any stage mid-run: exit non-zero, the old tables stay, nothing left behind" {
	local t
	for t in ped-fetch ped-agg ped-topn; do
		rm -rf out kbin
		mkdir out
		echo old >out/top10_by_day.csv
		killed_stage "$t"
		run --separate-stderr env PED_BIN="$PWD/kbin" "$P" -s "$SAMPLE" -o out
		[ "$status" -ne 0 ] || fail "$t killed: exit 0"
		[ -n "$stderr" ] || fail "$t killed: no message"
		run ls -A out
		assert_output top10_by_day.csv
		run cat out/top10_by_day.csv
		assert_output old
	done
}
