build/common/lineio.o: common/lineio.c common/err.h common/lineio.h
common/err.h:
common/lineio.h:
