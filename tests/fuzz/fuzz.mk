# libFuzzer targets: tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput.
# Each links with libped.a and what it lists here:
#   fuzz_NAME_SRC    = tool sources it needs (tools/fetch/json.c ...)
#   fuzz_NAME_LDLIBS = libraries (-lcjson ...)
# Seeds: tests/fuzz/corpus/NAME/; every crash found: tests/fuzz/regress/NAME/
# (make test replays both with the normal compiler, tests/fuzz/replay.c).
fuzz_csvread_LDLIBS = -lcsv
fuzz_archive_SRC = tools/fetch/source_archive.c tools/fetch/source_file.c \
	tools/fetch/source_http.c tools/fetch/httputil.c tools/fetch/progress.c
fuzz_archive_LDLIBS = -larchive -lcurl -lz
fuzz_s3xml_SRC = tools/s3put/s3err.c tools/s3put/etag.c
fuzz_s3xml_LDLIBS = -lcrypto
fuzz_awsconfig_SRC = tools/s3put/creds.c
fuzz_awsconfig_LDLIBS = -lcurl -lcjson
# ped-fetch's parsers (fuzz_timeparse checks against tz_melbourne.h,
# written by gen_tz_melbourne.py from the tz database).
fuzz_timeparse_SRC = tools/fetch/timeparse.c
fuzz_json_SRC = tools/fetch/json.c
fuzz_json_LDLIBS = -lcjson
fuzz_schema_SRC = tools/fetch/schema.c tools/fetch/timeparse.c tests/fuzz/dups_small.c
# dups_small.c includes dups.c: its replay object follows it.
-include $(BUILD)/tests/fuzz/dups_small.d
fuzz_odsurl_SRC = tools/fetch/ods.c tools/fetch/httputil.c
fuzz_odsurl_LDLIBS = -lcurl
fuzz_soda_SRC = tools/fetch/soda_page.c tools/fetch/idset.c
fuzz_soda_LDLIBS = -lcjson
