# awk + sort reference, last pass: reads topn_sum.awk's lines sorted by
# period, count descending, sensor id, and writes the top 10 (RANK(), ties
# kept) of each day to -v day=FILE and of each month to -v month=FILE, as
# ped-topn --csv writes them (less its CRs).
BEGIN {
	FS = "\t"
	print "period,rank,sensor_id,sensor_name,count" >day
	print "period,rank,sensor_id,sensor_name,count" >month
}
$1 == "0" {
	nm[$2] = $4
	next
}
{
	if ($1 != p) {
		p = $1
		i = 0
		prev = -1
	}
	i++
	if ($3 != prev) {
		r = i
		prev = $3
	}
	if (r > 10)
		next
	n = nm[$2]
	if (n ~ /[",]/) {
		gsub(/"/, "\"\"", n)
		n = "\"" n "\""
	}
	print p "," r "," $2 "," n "," $3 >(length(p) == 10 ? day : month)
}
