#!/usr/bin/env python3
"""Write the hand-made tars of tests/image.test.sh into a folder.

    crafted.py OUTDIR OUTSIDE

links.tar     a file, a hard link to it, a symbolic link, modes, an
              owner (uid 1234), a device node, an absolute name (/abs.txt)
dotdot.tar    an entry ../escape.txt (must be refused)
deep.tar      an entry sub/../../escape2.txt (must be refused)
hardout.tar   a hard link whose target is ../../etc/hostname
symout.tar    a symbolic link to OUTSIDE, then a file written through it
"""
import io
import sys
import tarfile

out, outside = sys.argv[1], sys.argv[2]


def add(tar, name, data=b"", kind=tarfile.REGTYPE, mode=0o644, link="",
        uid=0):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.uid = info.gid = uid
    info.mtime = 1700000000
    info.linkname = link
    if kind == tarfile.REGTYPE:
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    else:
        tar.addfile(info)


def make(name, entries):
    with tarfile.open("%s/%s" % (out, name), "w", format=tarfile.PAX_FORMAT) as t:
        for e in entries:
            add(t, *e[0:1], **e[1])


make("links.tar", [
    ("./", dict(kind=tarfile.DIRTYPE, mode=0o755)),
    ("./data/", dict(kind=tarfile.DIRTYPE, mode=0o750)),
    ("./data/a.txt", dict(data=b"hello\n", mode=0o640, uid=1234)),
    ("./data/b.txt", dict(kind=tarfile.LNKTYPE, link="./data/a.txt")),
    ("./data/c.txt", dict(kind=tarfile.SYMTYPE, link="a.txt")),
    ("./data/ro/", dict(kind=tarfile.DIRTYPE, mode=0o555)),
    ("./data/ro/f", dict(data=b"f\n")),
    ("./dev/", dict(kind=tarfile.DIRTYPE, mode=0o755)),
    ("./dev/sda", dict(kind=tarfile.BLKTYPE, mode=0o666)),
    ("/abs.txt", dict(data=b"absolute\n")),
])
make("dotdot.tar", [
    ("ok.txt", dict(data=b"fine\n")),
    ("../escape.txt", dict(data=b"escaped\n")),
])
make("deep.tar", [
    ("sub/", dict(kind=tarfile.DIRTYPE, mode=0o755)),
    ("sub/../../escape2.txt", dict(data=b"escaped\n")),
])
make("hardout.tar", [
    ("x", dict(kind=tarfile.LNKTYPE, link="../../etc/hostname")),
])
make("symout.tar", [
    ("evil", dict(kind=tarfile.SYMTYPE, link=outside)),
    ("evil/pwned.txt", dict(data=b"pwned\n")),
])
