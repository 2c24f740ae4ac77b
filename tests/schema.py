"""Validate a knowledge base's files against kbgen schema's JSON Schemas.

Usage: python3 tests/schema.py SCHEMADIR KBROOT [FILE KIND]...

SCHEMADIR holds KIND.schema.json (kbgen schema -o SCHEMADIR).  With
only KBROOT, every content file of KBROOT/content is checked against
its kind's schema; with FILE KIND pairs, those files only.  YAML is
read as the YAML language server reads it, YAML 1.2's core schema
(dates, times and yes/no stay strings), not PyYAML's YAML 1.1.
Prints "ok FILE" or "FAIL FILE: why" (tests/lib.sh's words) per file,
and "invalid FILE: why" lines for files expected to fail are the
caller's business: exit status 0 when every file is valid, else 1.
"""
import glob
import json
import os
import re
import sys

import jsonschema
import yaml


class Yaml12(yaml.SafeLoader):
    pass


Yaml12.yaml_implicit_resolvers = {}
for tag, rx, first in [
        ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
        ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
        ("float", r"^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?$",
         "-+0123456789.")]:
    Yaml12.add_implicit_resolver("tag:yaml.org,2002:" + tag, re.compile(rx),
                                 list(first))


def load(path):
    text = open(path, encoding="utf-8").read()
    if path.endswith(".md"):
        parts = text.split("\n---\n", 1)
        text = parts[0][4:] if text.startswith("---\n") else ""
    return yaml.load(text, Loader=Yaml12)


def kinds(root):
    c = os.path.join(root, "content")
    for kind, pat in [("usecase", "usecases/*.md"), ("person", "people/*.md"),
                      ("hackathon", "hackathons/*.md"), ("page", "pages/*.md"),
                      ("seminars", "seminars/*.yaml"), ("site", "site.yaml"),
                      ("taxonomy", "taxonomy.yaml")]:
        for f in sorted(glob.glob(os.path.join(c, pat))):
            yield f, kind


def main():
    sdir, root = sys.argv[1], sys.argv[2]
    pairs = list(zip(sys.argv[3::2], sys.argv[4::2])) or list(kinds(root))
    bad = 0
    for f, kind in pairs:
        schema = json.load(open(os.path.join(sdir, kind + ".schema.json")))
        v = jsonschema.Draft202012Validator(schema)
        errs = sorted(v.iter_errors(load(f)), key=lambda e: list(e.path))
        name = os.path.relpath(f, root)
        if errs:
            bad += 1
            e = errs[0]
            print("invalid %s: %s at %s" % (name, e.message.split("\n")[0][:200],
                                            "/".join(map(str, e.path))))
        else:
            print("valid %s" % name)
    sys.exit(1 if bad else 0)


main()
