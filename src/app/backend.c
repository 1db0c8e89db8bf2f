/*
 * backend.c - folio as an mdBook backend (backend.h).
 */
#include "app/backend.h"
#include "base/util.h"
#include "load/renderctx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int backend_load(struct book **out, const char **out_dir, struct run *run)
{
	if (isatty(STDIN_FILENO)) {
		diag_fatal(run->diags, "<stdin>", "folio mdbook-backend reads mdBook's "
			   "RenderContext on standard input: run it from `mdbook build` "
			   "([output.folio] in book.toml)");
		return -1;
	}
	char *json;
	size_t len;
	int fd = dup(STDIN_FILENO);
	if (fd < 0 || file_read_fd(fd, &json, &len) != 0) {
		diag_fatal(run->diags, "<stdin>", "cannot read the RenderContext: %s",
			   strerror(errno));
		return -1;
	}
	int rc = renderctx_load(out, out_dir, run, json, len);
	free(json);
	return rc;
}

void backend_settings(struct build_opts *o, const struct book *b)
{
	if (!o->paper && b->meta.paper)
		o->paper = b->meta.paper;
	if (b->meta.duplex)
		o->duplex = true;
	if (!o->style_file && b->meta.style)
		o->style_file = b->meta.style;
}
