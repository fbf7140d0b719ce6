topn_LDLIBS = -lcsv
