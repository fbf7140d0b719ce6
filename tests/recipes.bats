#!/usr/bin/env bats
# The README's recipes (examples/*.sh, quoted verbatim in README.md) and
# the scale-out claims: each is run here on data with a known answer.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
	Y="$DATA/recipes/years.tsv"
}

@test "every recipe is quoted verbatim in README.md" {
	for f in "$ROOT"/examples/*.sh; do
		body=$(grep -v '^#' "$f")
		run grep -cF -- "$(head -1 <<<"$body")" "$ROOT/README.md"
		assert_output --regexp '^[1-9]'
		python3 - "$f" "$ROOT/README.md" <<'PY'
import sys
body = [l for l in open(sys.argv[1]).read().splitlines() if not l.startswith("#")]
readme = open(sys.argv[2]).read()
assert "\n".join(body) in readme, sys.argv[1] + " is not in README.md"
PY
	done
}

@test "top hours of the day" {
	run bash "$ROOT/examples/top-hours.sh" "$Y"
	assert_success
	assert_output "$(tsv '17|8344' '12|2384' '08|1192')"
}

@test "a sensor's monthly history" {
	run bash "$ROOT/examples/sensor-history.sh" "$Y" 3
	assert_success
	assert_line --index 0 "$(tsv '2019-03|50')"
	assert_equal "${#lines[@]}" 16
	refute_output --partial '2022-03	80'
}

@test "the location that declined most over the lockdown years" {
	run bash "$ROOT/examples/lockdown-decline.sh" "$Y"
	assert_success
	assert_output "$(tsv '1|Town Hall (West)|1000|400|-60.0%')"
	run bash "$ROOT/examples/lockdown-decline.sh" "$Y" 2019 2020
	assert_output "$(tsv '1|Town Hall (West)|1000|300|-70.0%')"
}

@test "the location that grew most in the last year" {
	run bash "$ROOT/examples/yearly-growth.sh" "$Y"
	assert_success
	assert_output "$(tsv '2|Bourke Street Mall (North)|1500|3000|100.0%')"
	run bash "$ROOT/examples/yearly-growth.sh" "$Y" 2021
	assert_output "$(tsv '3|New Quay|200|450|125.0%')"
}

@test "parallel --pipe gives byte-identical results to one process" {
	command -v parallel >/dev/null || fail "GNU parallel is not installed (make deps)"
	python3 "$TESTS_DIR/ref/pedref.py" gen 5 60000 | tail -n +2 | sort >h.tsv
	for by in day month weekday; do
		parallel --will-cite --pipe -k --block 200k ped-agg -b $by --no-header <h.tsv |
		    ped-agg -b $by >par.tsv
		ped-agg -b $by h.tsv >one.tsv
		cmp par.tsv one.tsv
	done
	# Counts never depend on how blocks are ordered.
	parallel --will-cite --pipe --block 100k ped-agg -b month --no-header <h.tsv |
	    ped-agg -b month | cut -f1,2,4 >any.tsv
	cmp any.tsv <(ped-agg -b month h.tsv | cut -f1,2,4)
}

@test "MapReduce shape: map, sort by key, reduce" {
	python3 "$TESTS_DIR/ref/pedref.py" gen 6 20000 | tail -n +2 | sort >h.tsv
	split -n l/4 h.tsv map.
	for m in map.??; do ped-agg -b day --no-header "$m" >"$m.out"; done
	sort -t"$(printf '\t')" -k1,1 -s map.*.out | ped-agg -b day --no-header >reduced.tsv
	cmp reduced.tsv <(ped-agg -b day --no-header h.tsv)
}
