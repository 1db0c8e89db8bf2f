/* words.c - the page-break word rule and the text of inlines (words.h). */
#include "model/words.h"

#include "base/util.h"

int words_count(const char *text, size_t len)
{
	struct word_counter w = {0, false};
	for (size_t i = 0; i < len; i++)
		words_feed(&w, (unsigned char)text[i], NULL);
	return w.count;
}

size_t words_nth(const char *text, size_t len, int n, size_t *at)
{
	struct word_counter w = {0, false};
	for (size_t i = 0; i < len; i++) {
		bool start;
		if (words_feed(&w, (unsigned char)text[i], &start) == n && start) {
			size_t e = i;
			while (e < len && !words_space((unsigned char)text[e]))
				e++;
			*at = i;
			return e - i;
		}
	}
	*at = len;
	return 0;
}

void model_text(struct buf *b, const struct inline_node *first, unsigned flags)
{
	struct vec st = {0};
	const struct inline_node *in = first;
	for (;;) {
		while (in) {
			bool descend = in->children != NULL;
			switch (in->type) {
			case INL_TEXT:
			case INL_CODE:
				if (in->text)
					buf_put(b, in->text, in->len);
				break;
			case INL_HTML:
				if (in->text && (flags & MODEL_TEXT_HTML))
					buf_put(b, in->text, in->len);
				break;
			case INL_SOFTBREAK:
			case INL_LINEBREAK:
				buf_putc(b, ' ');
				break;
			case INL_IMAGE:
				descend = descend && (flags & MODEL_TEXT_IMAGES);
				break;
			case INL_FOOTNOTE_REF:
				descend = false;
				break;
			default:
				break;
			}
			if (descend) {
				vec_push(&st, (void *)in->next);
				in = in->children;
			} else {
				in = in->next;
			}
		}
		if (!st.n)
			break;
		in = st.v[--st.n];
	}
	vec_free(&st);
}

char *model_plain(struct arena *a, const struct inline_node *first)
{
	struct buf b = BUF_INIT;
	model_text(&b, first, MODEL_TEXT_PLAIN);
	char *s = buf_to_arena(&b, a);
	buf_free(&b);
	return s;
}
