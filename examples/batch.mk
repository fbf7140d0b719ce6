# examples/batch.mk — month-by-month batch runs of ped with make(1).
#
#   make -f examples/batch.mk MONTHS='2024-11 2024-12 2025-01' [SOURCE=...] [OUT=batch]
#
# Fetches each month once (ped-fetch --since/--until), aggregates each month
# once, combines the months with ped-agg (a combiner: the result is the
# same as aggregating everything at once) and ranks. A second run does
# nothing; adding a month fetches and aggregates only that month. Refetch a
# month that was still growing with: make -f examples/batch.mk refresh MONTH=2025-01
#
# SOURCE is anything ped-fetch reads (default: the live Opendatasoft
# dataset). --since/--until are pushed to the API as a filter, or applied
# to the rows of a file.

SHELL		:= /bin/bash
.SHELLFLAGS	:= -euo pipefail -c
# A failed or interrupted step leaves no stale target behind.
.DELETE_ON_ERROR:

SOURCE	?= --ods
OUT	?= batch
N	?= 10
MONTHS	?= $(error set MONTHS, e.g. MONTHS='2024-11 2024-12')
FETCH	?= ped-fetch
AGG	?= ped-agg
TOPN	?= ped-topn

# Named here, the monthly files are targets, not intermediates make deletes.
raw_parts = $(patsubst %,$(OUT)/raw/%.tsv.gz,$(MONTHS))
daily_parts = $(patsubst %,$(OUT)/daily/%.tsv,$(MONTHS))

.PHONY: all refresh clean
all: $(raw_parts) $(OUT)/top$(N)_by_day.csv $(OUT)/top$(N)_by_month.csv

# One month of hourly rows, fetched once and kept compressed.
$(OUT)/raw/%.tsv.gz:
	@mkdir -p $(@D)
	$(FETCH) -q --since $*-01 --until $$(date -d '$*-01 +1 month -1 day' +%F) $(SOURCE) | gzip >$@

# Each month aggregated once, by day.
$(OUT)/daily/%.tsv: $(OUT)/raw/%.tsv.gz
	@mkdir -p $(@D)
	gzip -dc $< | $(AGG) -b day >$@

# The months combined: re-aggregating daily parts is exact.
$(OUT)/daily.tsv: $(daily_parts)
	$(AGG) -b day $^ >$@

$(OUT)/monthly.tsv: $(OUT)/daily.tsv
	$(AGG) -b month $< >$@

$(OUT)/top$(N)_by_day.csv: $(OUT)/daily.tsv
	$(TOPN) -n $(N) --csv $< >$@

$(OUT)/top$(N)_by_month.csv: $(OUT)/monthly.tsv
	$(TOPN) -n $(N) --csv $< >$@

refresh:
	rm -f $(OUT)/raw/$(MONTH).tsv.gz $(OUT)/daily/$(MONTH).tsv
	$(MAKE) -f $(firstword $(MAKEFILE_LIST)) all

clean:
	rm -rf $(OUT)
