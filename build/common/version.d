build/common/version.o: common/version.c common/err.h common/output.h \
 common/version.h
common/err.h:
common/output.h:
common/version.h:
