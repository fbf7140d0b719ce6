# awk + sort reference of tests/bench/bench_duckdb.sh, first pass: the
# legacy CSV (-v form=export|archive) to daily and monthly sums per sensor
# and each sensor's latest name, as TSV lines for sort(1):
#   PERIOD \t SENSOR_ID \t COUNT        (YYYY-MM-DD and YYYY-MM)
#   0 \t SENSOR_ID \t 0 \t NAME         (names, sorted first)
# Splits at commas and rejoins a quoted name; no other field is quoted
# except the archive's Date_Time, which holds one comma.
BEGIN {
	FS = ","
	OFS = "\t"
	split("January February March April May June July August September " \
	    "October November December", mn, " ")
	for (i = 1; i <= 12; i++)
		mon[mn[i]] = (i < 10 ? "0" i : i)
	o = form == "archive"
}
NR == 1 { next }
{
	if (o) {	# "November 01, 2019 05:00:00 PM"
		sp = index($2, " ")
		day = substr($3, 2, 4) "-" mon[substr($2, 2, sp - 2)] "-" substr($2, sp + 1, 2)
		hh = substr($3, 7, 2) % 12
		if (substr($3, 16, 2) == "PM")
			hh += 12
	} else {	# 11/01/2019 05:00:00 PM
		day = substr($2, 7, 4) "-" substr($2, 1, 2) "-" substr($2, 4, 2)
		hh = substr($2, 12, 2) % 12
		if (substr($2, 21, 2) == "PM")
			hh += 12
	}
	id = $(8 + o)
	sum[day "\t" id] += $NF
	t = day (hh < 10 ? "0" hh : hh)
	if (t >= last[id]) {
		last[id] = t
		name = $(9 + o)
		for (i = 10 + o; i < NF; i++)
			name = name "," $i
		if (substr(name, 1, 1) == "\"") {
			name = substr(name, 2, length(name) - 2)
			gsub(/""/, "\"", name)
		}
		nm[id] = name
	}
}
END {
	for (k in sum) {
		split(k, a, "\t")
		print a[1], a[2], sum[k]
		msum[substr(a[1], 1, 7) "\t" a[2]] += sum[k]
	}
	for (k in msum)
		print k, msum[k]
	for (id in nm)
		print "0", id, "0", nm[id]
}
