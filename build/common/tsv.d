build/common/tsv.o: common/tsv.c common/err.h common/num.h common/tsv.h \
 common/lineio.h common/period.h
common/err.h:
common/num.h:
common/tsv.h:
common/lineio.h:
common/period.h:
