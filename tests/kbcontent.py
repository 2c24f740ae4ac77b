"""The content of a knowledge base read the way kbgen(5) states it, for
the oracles that check built pages by meaning (experts.py, rules.py):
front matter, single values as lists of one, the taxonomy's names,
aliases (any case) and broader terms.  Independent of kbgen's code."""
import os
import re

import yaml

DIMS = ("technologies", "fields", "tools")


def front(path):
    """The front matter of a Markdown file, as a dict."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    return yaml.safe_load(m.group(1)) if m else {}


def as_list(v):
    """A list as is, a single value as a list of one, nothing as []."""
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


class Taxonomy:
    """canon: every name and alias, lower case, to (dimension, name);
    parent: (dimension, name) to its broader term; order: each
    dimension's names as taxonomy.yaml lists them."""

    def __init__(self, content):
        with open(os.path.join(content, "taxonomy.yaml"),
                  encoding="utf-8") as f:
            tax = yaml.safe_load(f)
        self.canon, self.parent, self.order = {}, {}, {}
        for d in DIMS:
            self.order[d] = []
            for t in tax.get(d) or []:
                self.order[d].append(t["name"])
                for n in [t["name"]] + as_list(t.get("aliases")):
                    self.canon[str(n).lower()] = (d, t["name"])
                if t.get("parent"):
                    self.parent[(d, t["name"])] = (d, t["parent"])

    def up(self, term):
        """The term and every broader one."""
        out = []
        while term is not None:
            out.append(term)
            term = self.parent.get(term)
        return out
