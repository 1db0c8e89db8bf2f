/*
 * typeset.c - the print edition, built once per book or handout
 * (typeset.h).
 */
#include "print/typeset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

/* Writes layout_dump()'s text to path. */
static void dump_layout(struct run *run, const struct layout *lo, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		diag_warn(run->diags, path, 0, 0, "cannot write the layout dump: %s",
			  strerror(errno));
		return;
	}
	layout_dump(lo, f);
	fclose(f);
}

static void dump_pagination(struct run *run, const struct pagination *p,
			    const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		diag_warn(run->diags, path, 0, 0, "cannot write the pagination dump");
		return;
	}
	pagination_dump(p, f);
	fclose(f);
}

/* Style, fonts, images and layout of the chapters a part (or the book)
 * holds.  Returns 0, or -1 (DIAG_FATAL recorded, or out of memory). */
static int typeset(struct edition **out, struct run *run, const struct book *book,
		   const struct print_style *style, const struct lo_part *part, bool draw)
{
	struct edition *ed = xcalloc(1, sizeof *ed);
	struct lo_image_info *info = NULL;
	int rc = -1;
	char font_dir[4096];

	ed->style = *style;
	snprintf(font_dir, sizeof font_dir, "%s/fonts",
		 run->opts->data_dir ? run->opts->data_dir : ".");
	ed->fonts = fonts_open(font_dir, &ed->style, run->diags);
	if (!ed->fonts)
		goto out;
	print_images_load(&ed->images, run, book, part ? part->module->first : 0,
			  part ? part->module->end : book->nchapters, draw);
	info = xcalloc((size_t)book->nimages + 1, sizeof *info);
	for (int i = 0; i < book->nimages; i++) {
		const struct print_image *pi = print_images_get(ed->images, i);
		info[i].width = pi->width;
		info[i].height = pi->height;
	}
	run_stage(run, "pdf setup");
	ed->layout = layout_part(run, book, &ed->style, ed->fonts, info,
				 run->opts->duplex, part);
	if (!ed->layout)
		goto out;
	run_stage(run, "layout");
	if (layout_pagination(ed->layout, book, &ed->pages) != 0)
		goto out;
	rc = 0;
out:
	free(info);
	if (rc != 0) {
		edition_free(ed);
		ed = NULL;
	}
	*out = ed;
	return rc;
}

int typeset_book(struct edition **out, struct run *run, const struct book *book,
		 const struct print_style *style, enum typeset_use use)
{
	const struct build_opts *opts = run->opts;
	if (typeset(out, run, book, style, NULL, use == TYPESET_DRAW) != 0)
		return -1;
	if (opts->layout_dump && *opts->layout_dump)
		dump_layout(run, (*out)->layout, opts->layout_dump);
	if (opts->pagination_dump && *opts->pagination_dump)
		dump_pagination(run, &(*out)->pages, opts->pagination_dump);
	return 0;
}

int typeset_module(struct edition **out, struct run *run, const struct book *book,
		   const struct print_style *style, const struct module *modules,
		   int nmodules, const struct module *m)
{
	struct lo_part part = {m, modules, nmodules};
	if (typeset(out, run, book, style, &part, true) != 0)
		return -1;
	(*out)->module = m;
	const char *dir = run->opts->handout_dump;
	if (dir && *dir) {
		/* one dump per handout: DIR/moduleN-....dump */
		char *path = arena_printf(run->arena, "%s/%.*s.dump", dir,
					  (int)(strlen(m->file) - 4), m->file);
		dump_layout(run, (*out)->layout, path);
	}
	return 0;
}

void edition_free(struct edition *ed)
{
	if (!ed)
		return;
	pagination_free(&ed->pages);
	layout_free(ed->layout);
	print_images_free(ed->images);
	fonts_free(ed->fonts);
	free(ed);
}
