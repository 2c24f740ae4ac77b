/*
 * Copyright (c) 2026 the kbgen authors.  ISC licence (see README.md).
 *
 * Unit tests for taxonomy.c's tax_find: the index it builds in
 * tax_load answers every lookup as a walk of the terms in file order
 * does (names and aliases without regard to case, slugs as written,
 * the first term in file order when several match), for names,
 * aliases, slugs, other cases and unknown words.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extern.h"
#include "model/model.h"
#include "harness.h"

static const char *const yaml =
    "technologies:\n"
    "  - name: CNN\n"
    "    aliases: [Convolutional Neural Network, ConvNet]\n"
    "  - name: Graph NN\n"
    "    slug: gnn\n"
    "  - name: GNN Variant\n"
    "    aliases: Graph Network\n"
    "  - name: Alpha\n"
    "    aliases: [beta-x]\n"
    "  - name: Beta X\n"
    "    slug: beta-x\n"
    "fields:\n"
    "  - name: Medical Physics\n"
    "  - name: Particle Physics\n"
    "    parent: Medical Physics\n"
    "tools:\n"
    "  - name: PyTorch\n";

static const char *const queries[] = {
	"CNN", "cnn", "Cnn", "convnet", "CONVOLUTIONAL NEURAL NETWORK",
	"gnn", "GNN", "Graph NN", "graph nn", "graph-nn", "graph network",
	"GNN variant", "gnn-variant", "alpha", "beta-x", "BETA-X", "Beta X",
	"beta x", "medical physics", "medical-physics", "Medical-Physics",
	"particle physics", "pytorch", "PyTorch", "torch", "", "x",
};

int
main(void)
{
	struct taxonomy	 tax;
	struct term	*a, *b;
	char		 path[] = "/tmp/t_taxonomy.XXXXXX", name[64];
	size_t		 i, bad;
	int		 fd, d;

	diag_set_quiet(1);
	if ((fd = mkstemp(path)) == -1 ||
	    write(fd, yaml, strlen(yaml)) != (ssize_t)strlen(yaml)) {
		OK(0, "write the taxonomy");
		DONE();
	}
	close(fd);
	memset(&tax, 0, sizeof(tax));
	OK(tax_load(&tax, path), "the taxonomy loads");
	OK(tax.indexed, "tax_load builds the index");
	for (d = 0; d < DIM__MAX; d++) {
		bad = 0;
		for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
			tax.indexed = 1;
			a = tax_find(&tax, (enum dim)d, queries[i]);
			tax.indexed = 0;
			b = tax_find(&tax, (enum dim)d, queries[i]);
			if (a != b) {
				printf("  %s \"%s\": index %s, walk %s\n",
				    dim_names[d], queries[i],
				    a ? a->name : "none", b ? b->name : "none");
				bad++;
			}
		}
		tax.indexed = 1;
		snprintf(name, sizeof(name), "%s: the index answers as the "
		    "walk does", dim_names[d]);
		OK(bad == 0, name);
	}
	/* What the index must answer, not only agree on. */
	a = tax_find(&tax, DIM_TECH, "beta-x");
	EQS(a ? a->name : "none", "Alpha", "an alias before a later slug");
	a = tax_find(&tax, DIM_TECH, "GNN");
	EQS(a ? a->name : "none", "none", "a slug matches as written only");
	a = tax_find(&tax, DIM_TECH, "convnet");
	EQS(a ? a->name : "none", "CNN", "an alias in another case");
	a = tax_find(&tax, DIM_FIELD, "Particle Physics");
	EQS(a && a->parent ? a->parent->name : "none", "Medical Physics",
	    "parents resolve through the index");
	tax_free(&tax);
	unlink(path);
	DONE();
}
