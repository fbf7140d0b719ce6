# Shared by the bench_*.sh scripts.

# best_of N CMD...: runs CMD N times, prints the best wall time in seconds.
best_of() {
	local n=$1 i t best=
	shift
	for ((i = 0; i < n; i++)); do
		t=$( { /usr/bin/env TIMEFORMAT=%R bash -c 'time "$@" >/dev/null' _ "$@"; } 2>&1 | tail -1)
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$t
		fi
	done
	echo "$best"
}

# ratio A B: A/B with one decimal.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'
}

# gen_hourly FILE ROWS: hourly normalised TSV, 80 sensors, rows in time order.
gen_hourly() {
	[ -s "$1" ] && return 0
	awk -v rows="$2" 'BEGIN {
		print "period\tsensor_id\tsensor_name\tcount"
		srand(42); split("31 28 31 30 31 30 31 31 30 31 30 31", dim, " ")
		y = 2015; m = 1; d = 1; h = 0; s = 0
		for (i = 0; i < rows; i++) {
			printf "%04d-%02d-%02dT%02d\t%d\tSensor %d name\t%d\n",
			    y, m, d, h, s + 1, s + 1, int(rand() * 3000)
			if (++s < 80) continue
			s = 0
			if (++h < 24) continue
			h = 0
			if (++d <= dim[m]) continue
			d = 1
			if (++m <= 12) continue
			m = 1; y++
		}
	}' >"$1"
}
