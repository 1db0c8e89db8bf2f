/* model.c - iterative walks over the book model. */
#include "model/model.h"
#include "base/arena.h"


static void walk_blocks(struct block *first, block_fn bfn, inline_fn ifn, void *ctx)
{
	struct vec st = {0};
	struct block *b = first;
	for (;;) {
		while (b) {
			if (bfn)
				bfn(ctx, b);
			if (ifn && b->inlines) {
				struct vec ist = {0};
				struct inline_node *in = b->inlines;
				for (;;) {
					while (in) {
						ifn(ctx, b, in);
						if (in->children) {
							vec_push(&ist, in->next);
							in = in->children;
						} else {
							in = in->next;
						}
					}
					if (!ist.n)
						break;
					in = ist.v[--ist.n];
				}
				vec_free(&ist);
			}
			if (b->children) {
				vec_push(&st, b->next);
				b = b->children;
			} else {
				b = b->next;
			}
		}
		if (!st.n)
			break;
		b = st.v[--st.n];
	}
	vec_free(&st);
}

void model_each_block(struct block *first, block_fn fn, void *ctx)
{
	walk_blocks(first, fn, NULL, ctx);
}

void model_each_inline(struct block *first, inline_fn fn, void *ctx)
{
	walk_blocks(first, NULL, fn, ctx);
}

bool model_toc_shown(const struct book *b, int i)
{
	if (i < 0 || i >= b->ntoc)
		return false;
	if (b->toc[i].kind != TOC_DRAFT)
		return true;
	/* its descendants follow it, deeper than it (parts and separators
	 * are at depth 0 and end them) */
	for (int j = i + 1; j < b->ntoc && b->toc[j].depth > b->toc[i].depth; j++)
		if (b->toc[j].kind == TOC_CHAPTER && b->toc[j].chapter)
			return true;
	return false;
}

const char *book_meta_display(struct arena *a, const struct book *b)
{
	const char *dir = b->display_dir ? b->display_dir : "";
	if (b->meta.source_file)
		return arena_printf(a, "%s%s", dir, b->meta.source_file);
	if (b->root && b->root->display_path)
		return b->root->display_path;
	return *dir ? dir : ".";
}
