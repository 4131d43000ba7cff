#!/usr/bin/env python3
"""Build the benchmark's repositories (DESIGN.md 4), outside git's tree.

    mkrepo.py corpus SRC_DIR NAME DEST   copy the *.py files of SRC_DIR to
                                         DEST/NAME, one spec per package
    mkrepo.py synth NPKG NFILES DEST     NPKG packages of NFILES files each
                                         (__init__.py included), one spec
                                         per package
    mkrepo.py fastsynth NPKG NFILES DEST TEMPLATE
                                         the same layout, written with one
                                         `git fast-import` and no work tree
                                         (for 1,000,000 files): every
                                         package holds package 0's files;
                                         package 0's contracts are
                                         TEMPLATE's (a `synth 1 NFILES`
                                         repository after `git spec
                                         sync`), the others stand-ins

Both write the specs (three variants each, DESIGN.md 1) and make one commit
with a fixed author and date; the contracts are left to `git spec sync`.
"""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import astgen  # noqa: E402

SPECS_DIR = "specify/tech"
DATE = "2026-11-21"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_AUTHOR_DATE": DATE + "T12:00:00Z", "GIT_COMMITTER_DATE": DATE + "T12:00:00Z",
    "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C",
}


def git(dest, *args):
    env = dict(os.environ)
    env.update(GIT_ENV)
    subprocess.run(["git", "-C", dest] + list(args), check=True, env=env,
                   stdout=subprocess.DEVNULL)


def spec_text(spec_id, package, module):
    slug = package.replace("/", "-").replace("_", "-").lower()
    return (
        "---\n"
        "id: %(id)s\n"
        "slug: %(slug)s\n"
        "name: %(pkg)s Specification\n"
        "created: '%(date)s'\n"
        "updated: '%(date)s'\n"
        "status: draft\n"
        "kind: spec\n"
        "sources:\n"
        "- language: python\n"
        "  identifier: %(pkg)s\n"
        "  module: %(mod)s\n"
        "  variants:\n"
        "  - name: public\n"
        "    path: contracts/public.md\n"
        "  - name: all\n"
        "    path: contracts/all.md\n"
        "  - name: tests\n"
        "    path: contracts/tests.md\n"
        "---\n"
        "\n"
        "# %(id)s: %(pkg)s\n"
        "\n"
        "Generated for the benchmark.\n"
    ) % {"id": spec_id, "slug": slug, "pkg": package, "mod": module, "date": DATE}


def write_specs(dest, packages):
    """packages: [(path, module)] sorted by path."""
    width = max(3, len(str(len(packages))))
    for n, (pkg, mod) in enumerate(packages, 1):
        spec_id = "SPEC-%0*d" % (width, n)
        d = os.path.join(dest, SPECS_DIR, spec_id)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, spec_id + ".md"), "w") as f:
            f.write(spec_text(spec_id, pkg, mod))


def init_repo(dest):
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "config", "user.name", "Bench")
    git(dest, "config", "user.email", "bench@example.com")


def commit_all(dest, message):
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "--no-verify", "-m", message)


def corpus(src, name, dest):
    init_repo(dest)
    src = os.path.abspath(src)
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames.sort()
        rel = os.path.relpath(dirpath, src)
        out = os.path.normpath(os.path.join(dest, name, rel))
        for f in sorted(filenames):
            if f.endswith(".py") and not os.path.islink(os.path.join(dirpath, f)):
                os.makedirs(out, exist_ok=True)
                shutil.copyfile(os.path.join(dirpath, f), os.path.join(out, f))
    repo = astgen.Repo(dest)
    pkgs = [(p.decode(), repo.module_name(p)) for p in repo.scan()]
    write_specs(dest, pkgs)
    commit_all(dest, "corpus and specs")
    print("%d packages" % len(pkgs))


MODULE = '''"""Module %(n)d of package %(p)d."""

VALUE_%(n)d = %(n)d


def func_%(n)d(x: int, y: str = "a") -> int:
    """Compute value %(n)d."""
    return x + %(n)d


class Thing%(n)d:
    """Thing %(n)d."""

    def method(self, z=None):
        return z
'''


def synth(npkg, nfiles, dest):
    init_repo(dest)
    pkgs = []
    for p in range(npkg):
        rel = "lib/g%02d/pkg%04d" % (p // 50, p)
        d = os.path.join(dest, rel)
        os.makedirs(d)
        with open(os.path.join(d, "__init__.py"), "w") as f:
            f.write('"""Package %d."""\n' % p)
        for n in range(1, nfiles):
            name = "test_mod%02d.py" % n if n == nfiles - 1 else "mod%02d.py" % n
            with open(os.path.join(d, name), "w") as f:
                f.write(MODULE % {"n": n, "p": p})
        pkgs.append((rel, "pkg%04d" % p))
    write_specs(dest, pkgs)
    commit_all(dest, "synthetic packages and specs")
    print("%d packages, %d files" % (npkg, npkg * nfiles))


def fastsynth(npkg, nfiles, dest, template):
    """One fast-import stream: blobs shared by all packages, specs and
    contracts per package; no work tree, no index (the caller runs
    `git read-tree HEAD`)."""
    init_repo(dest)
    width = max(3, len(str(npkg)))
    tdir = os.path.join(template, SPECS_DIR, "SPEC-001", "contracts")
    contracts = {}
    for name in sorted(os.listdir(tdir)):
        with open(os.path.join(tdir, name), "rb") as f:
            contracts[name] = f.read()
    files = []
    for n in range(0, nfiles):
        if n == 0:
            name = "__init__.py"
            text = '"""Package %d."""\n' % 0
        else:
            name = "test_mod%02d.py" % n if n == nfiles - 1 else "mod%02d.py" % n
            text = MODULE % {"n": n, "p": 0}
        files.append((name, text.encode()))
    env = dict(os.environ)
    env.update(GIT_ENV)
    # package 0's tree once; every package reuses it by id
    proc = subprocess.Popen(["git", "-C", dest, "fast-import", "--quiet"],
                            stdin=subprocess.PIPE, env=env)
    out = proc.stdin
    out.write(b"commit refs/heads/template\n"
              b"committer Bench <bench@example.com> 1795262400 +0000\n"
              b"data 9\ntemplate\n")
    for name, data in files:
        out.write(b"M 100644 inline pkg/%s\ndata %d\n%s\n" % (name.encode(), len(data), data))
    out.close()
    if proc.wait() != 0:
        raise SystemExit("fast-import failed")
    tree = subprocess.run(["git", "-C", dest, "rev-parse", "template:pkg"], check=True,
                          stdout=subprocess.PIPE, env=env).stdout.strip()
    subprocess.run(["git", "-C", dest, "update-ref", "-d", "refs/heads/template"],
                   check=True, env=env)
    proc = subprocess.Popen(["git", "-C", dest, "fast-import", "--quiet"],
                            stdin=subprocess.PIPE, env=env)
    out = proc.stdin
    out.write(b"commit refs/heads/main\n"
              b"committer Bench <bench@example.com> 1795262400 +0000\n"
              b"data 9\nsynthetic\n")
    for p in range(npkg):
        rel = "lib/g%02d/pkg%04d" % (p // 50, p)
        out.write(b"M 040000 %s %s\n" % (tree, rel.encode()))
        spec_id = "SPEC-%0*d" % (width, p + 1)
        sdir = "%s/%s" % (SPECS_DIR, spec_id)
        docs = [(sdir + "/" + spec_id + ".md",
                 spec_text(spec_id, rel, "pkg%04d" % p).encode())]
        for name, data in contracts.items():
            # The hook reads only the touched package's contracts (package
            # 0's, the template's own): the others are stand-ins, which
            # keeps the stream small at 1,000,000 files.
            if p:
                data = b"# `pkg%04d` (not derived: a benchmark stand-in)\n" % p
            docs.append((sdir + "/contracts/" + name, data))
        for path, data in docs:
            out.write(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
    out.close()
    if proc.wait() != 0:
        raise SystemExit("fast-import failed")
    print("%d packages, %d files" % (npkg, npkg * nfiles))


def main(argv):
    if len(argv) == 4 and argv[0] == "corpus":
        corpus(argv[1], argv[2], argv[3])
    elif len(argv) == 4 and argv[0] == "synth":
        synth(int(argv[1]), int(argv[2]), argv[3])
    elif len(argv) == 5 and argv[0] == "fastsynth":
        fastsynth(int(argv[1]), int(argv[2]), argv[3], argv[4])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
