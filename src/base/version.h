/*
 * version.h - folio's version, for --version, the PDF Creator and build.json.
 */
#ifndef FOLIO_VERSION_H
#define FOLIO_VERSION_H

#define FOLIO_VERSION "0.1.0"

#endif
