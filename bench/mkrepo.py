#!/usr/bin/env python3
"""Build the benchmark's repositories (DESIGN.md 4), outside git's tree.

    mkrepo.py corpus SRC_DIR NAME DEST   copy the *.py files of SRC_DIR to
                                         DEST/NAME, one spec per package
    mkrepo.py synth NPKG NFILES DEST     NPKG packages of NFILES files each
                                         (__init__.py included), one spec
                                         per package

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


def main(argv):
    if len(argv) == 4 and argv[0] == "corpus":
        corpus(argv[1], argv[2], argv[3])
    elif len(argv) == 4 and argv[0] == "synth":
        synth(int(argv[1]), int(argv[2]), argv[3])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
