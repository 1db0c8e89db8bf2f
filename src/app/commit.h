/*
 * commit.h - which sources this folio was built from, for --version and
 * build.json: `git describe --always --dirty --tags` at compile time
 * (the Makefile passes it), or "unknown" when built outside a git
 * checkout (a release tarball).
 */
#ifndef FOLIO_COMMIT_H
#define FOLIO_COMMIT_H

/* A static string, never NULL. */
const char *folio_commit(void);

#endif
