/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * The people of the knowledge base as the outputs list them: sorted by
 * name, and the names behind a list of person ids (speakers, tutors),
 * for pages, calendars and search documents alike.  Loading and
 * checking people is content.c's; their pages are render/people.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "extern.h"
#include "model/model.h"
#include "model/private.h"

static int
name_cmp(const void *a, const void *b)
{
	const struct person *pa = *(struct person *const *)a;
	const struct person *pb = *(struct person *const *)b;
	int c;

	c = strcasecmp_ascii(pa->name ? pa->name : "", pb->name ? pb->name :
	    "");
	return c ? c : strcmp(pa->e.slug, pb->e.slug);
}

/*
 * See model/model.h.
 */
void
roster_names(const struct kb *kb, const struct val *ids, struct buf *b)
{
	const struct val *it;
	struct person	*p;
	size_t		 i;

	for (i = 0; i < val_count(ids); i++) {
		it = val_item(ids, i);
		if (it->str == NULL)
			continue;
		if (b->sz > 0)
			buf_puts(b, ", ");
		p = kb_person(kb, it->str);
		buf_puts(b, p != NULL && p->name != NULL ? p->name : it->str);
	}
}

/*
 * See model/model.h.
 */
struct person **
roster_by_name(const struct kb *kb)
{
	struct person	**ps;

	ps = xcalloc(kb->peoplesz + 1, sizeof(*ps));
	if (kb->peoplesz > 0)
		memcpy(ps, kb->people, kb->peoplesz * sizeof(*ps));
	xqsort(ps, kb->peoplesz, sizeof(*ps), name_cmp);
	return ps;
}
