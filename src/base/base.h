/*
 * base.h - the conventions every file of folio keeps, and the allocation
 * functions that carry its out-of-memory policy.
 *
 * ERRORS (libgit2's convention).  A function that can fail returns int:
 * 0 on success, a negative value on failure; what it makes goes through
 * an out-parameter that comes first ("int book_load(struct book **out,
 * ...)"), set only on success.  Cleanup runs through one "out:" label at
 * the end ("goto out").  Problems in the *content* (a broken link, a
 * missing image, bad UTF-8) are not failures: they are recorded as
 * diagnostics (diag.h) with file, line and column and the build goes on;
 * an environment failure (unwritable output, missing font) is a
 * DIAG_FATAL and the stage returns -1.  No stage prints or exits; main()
 * alone prints the diagnostics and chooses the exit status.
 *
 * OUT OF MEMORY.  folio's own structures (the model, layout, buffers,
 * vectors, diagnostics) are allocated with xmalloc(), xcalloc(),
 * xrealloc(), xstrdup() or from an arena (arena.h), which never return
 * NULL: when memory runs out they print "folio: error: out of memory
 * while ..." and exit with status 2 (folio_oom), as nothing useful can
 * follow in a command-line build; so does the PDF library's own failure.  The one
 * exception is a buffer whose size the input decides (a file read whole,
 * an image's pixels): those use malloc() and a NULL is reported as a
 * diagnostic naming the input, so one oversized figure never kills the
 * build.
 *
 * STATE.  No mutable file-scope or function-scope static anywhere in src/
 * (constant tables are fine): each stage gets its context as a parameter
 * (the run, run.h; the stage's own struct), so stages may run on several
 * threads.  Ownership is stated in each header: what a function returns
 * through a pointer-to-pointer belongs to the caller; what a getter
 * returns belongs to its parent.
 */
#ifndef FOLIO_BASE_H
#define FOLIO_BASE_H

#include <stddef.h>

/* Never NULL (see OUT OF MEMORY).  xmalloc(0) returns a unique pointer;
 * xcalloc() checks n * size for overflow. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

/* Prints "folio: error: out of memory while DOING (a request for N MB
 * failed)" (without the request when size is 0) and exits with status 2:
 * the one way a build ends for want of memory. */
_Noreturn void folio_oom(const char *doing, size_t size);

#endif
