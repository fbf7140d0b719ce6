# libFuzzer targets: tests/fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput.
# Each links with libped.a and what it lists here:
#   fuzz_NAME_SRC    = tool sources it needs (tools/fetch/json.c ...)
#   fuzz_NAME_LDLIBS = libraries (-lcjson ...)
# Seeds: tests/fuzz/corpus/NAME/; every crash found: tests/fuzz/regress/NAME/
# (make test replays both with the normal compiler, tests/fuzz/replay.c).
fuzz_csvread_LDLIBS = -lcsv
fuzz_odsurl_SRC = tools/fetch/ods.c tools/fetch/httputil.c
fuzz_odsurl_LDLIBS = -lcurl
fuzz_soda_SRC = tools/fetch/soda_page.c tools/fetch/idset.c
fuzz_soda_LDLIBS = -lcjson
