/*
 * The words of ped-fetch's compression messages, in one place: the gzip
 * layer (source_file.c) and libcurl's Content-Encoding decoding
 * (source_http.c) say the same thing the same way.
 */
#ifndef PED_FETCH_GZMSG_H
#define PED_FETCH_GZMSG_H

#define GZ_MSG_GARBAGE	"trailing garbage after the compressed data"
#define GZ_MSG_CORRUPT	"corrupt compressed data"
#define GZ_MSG_SHORT	"the compressed data ends too early (a truncated " \
			"file or transfer)"

#endif
