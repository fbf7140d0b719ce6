fetch_LDLIBS = -lcurl -lcjson -lz -larchive
