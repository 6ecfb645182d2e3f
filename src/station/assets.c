/*
 * assets.c - the station's static files, compiled into the binary (no network, no CDN, nothing read from disk
 * at run time). The sources are src/station/assets/; station_assets.h is generated from them at build time.
 */
#include "station_int.h"

#include <string.h>

#include "station_assets.h"

const char *station_asset(const char *path, const char **type, size_t *len)
{
	if (!strcmp(path, "/static/station.css")) {
		*type = "text/css; charset=utf-8";
		*len = sizeof(station_css) - 1;
		return station_css;
	}
	if (!strcmp(path, "/static/station.js")) {
		*type = "text/javascript; charset=utf-8";
		*len = sizeof(station_js) - 1;
		return station_js;
	}
	return NULL;
}
