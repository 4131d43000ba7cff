#!/usr/bin/env python3
"""Compare the contracts of the C tool with bench/astgen.py's.

    crosscheck.py [--render GS_RENDER | --git-spec GIT_SPEC | --synced GIT_SPEC] [--markdown]
                  [--max-report N] REPO_ROOT [PKG...]

For every package of REPO_ROOT (or the PKGs given) and every variant,
derive the contract both ways and compare the parsed JSON (and with
--markdown the Markdown bytes too); print the first difference of each
mismatch. With --git-spec the C side is `git-spec contract PKG --variant V
--json` run in REPO_ROOT (a git repository); with --render it is
tests/tools/gs-render fed with the files astgen selects (extractor and
renderer only). A file that fails to parse must fail on both sides.

Ends with "crosscheck: N passed, N failed" and exits 1 on any mismatch.
"""

import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
import astgen  # noqa: E402


def first_diff(a, b, path="$"):
    """The first place where a (C) and b (astgen) differ, or None."""
    if type(a) is not type(b):
        return path, a, b
    if isinstance(a, dict):
        for k in list(a.keys()) + [k for k in b if k not in a]:
            if k not in a or k not in b:
                return path + "." + k, a.get(k, "<missing>"), b.get(k, "<missing>")
            d = first_diff(a[k], b[k], path + "." + k)
            if d:
                return d
        return None
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_diff(x, y, "%s[%d]" % (path, i))
            if d:
                return d
        if len(a) != len(b):
            i = min(len(a), len(b))
            return ("%s[%d]" % (path, i), a[i] if i < len(a) else "<end>",
                    b[i] if i < len(b) else "<end>")
        return None
    return None if a == b else (path, a, b)


def describe(doc, path):
    """Name the symbol a JSON path points into, for the report."""
    m = re.match(r"\$\.files\[(\d+)\](?:\.symbols\[(\d+)\])?", path)
    if not m or not isinstance(doc, dict):
        return ""
    try:
        f = doc["files"][int(m.group(1))]
        where = f["path"]
        if m.group(2) is not None:
            where += " " + f["symbols"][int(m.group(2))]["name"]
        return where
    except (IndexError, KeyError, TypeError):
        return ""


def first_line_diff(a, b):
    al, bl = a.split("\n"), b.split("\n")
    for i, (x, y) in enumerate(zip(al, bl)):
        if x != y:
            return i + 1, x, y
    i = min(len(al), len(bl))
    return i + 1, al[i] if i < len(al) else "<end>", bl[i] if i < len(bl) else "<end>"


class CSide:
    def __init__(self, opts, root, gen):
        self.opts = opts
        self.root = root
        self.gen = gen

    def run(self, pkg, variant, as_json):
        if self.opts.git_spec:
            cmd = [self.opts.git_spec, "contract", pkg, "--variant", variant]
            if as_json:
                cmd.append("--json")
        else:
            # Format 2: __init__.py is a file section like any other; it
            # is also passed on its own for the package's Exports.
            bpkg = os.fsencode(pkg)
            init_rel = self.gen.init_file(bpkg)
            rels = self.gen.selected(bpkg, variant)
            cmd = [self.opts.render] + (["--json"] if as_json else []) + [
                variant, self.gen.repo.module_name(bpkg), pkg,
                init_rel if init_rel is not None else "-"] + rels
        p = subprocess.run(cmd, cwd=self.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=120)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def spec_contracts(root):
    """(package, variant, contract path) of every spec under specify/tech
    written by bench/mkrepo.py (a simple, known layout)."""
    out = []
    base = os.path.join(root, "specify", "tech")
    for d in sorted(os.listdir(base)):
        spec = os.path.join(base, d, d + ".md")
        if not os.path.isfile(spec):
            continue
        pkg = None
        variant = None
        for line in open(spec, encoding="utf-8"):
            m = re.match(r"\s*identifier: (.*)$", line)
            if m:
                pkg = m.group(1).strip()
            m = re.match(r"\s*- name: (.*)$", line)
            if m:
                variant = m.group(1).strip()
            m = re.match(r"\s*path: (.*)$", line)
            if m and pkg and variant:
                out.append((pkg, variant, os.path.join(base, d, m.group(1).strip())))
    return out


def synced(opts, gen):
    p = subprocess.run([opts.synced, "sync"], cwd=opts.root, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode != 0:
        print("crosscheck: git spec sync failed: %s" % p.stderr.decode("utf-8", "replace"))
        return 1
    passed = failed = 0
    kinds = {}
    for pkg, variant, path in spec_contracts(opts.root):
        tag = "%s [%s]" % (pkg, variant)
        with open(path, "rb") as f:
            c_md = f.read().decode("utf-8", "replace")
        try:
            py_md = gen.contract(os.fsencode(pkg), variant)
        except astgen.PySyntaxError as e:
            failed += 1
            print("MISMATCH %s: astgen: %s, git spec sync wrote a contract" % (tag, e))
            continue
        if c_md == py_md:
            passed += 1
            continue
        failed += 1
        if failed > opts.max_report:
            kinds["(not examined)"] = kinds.get("(not examined)", 0) + 1
            continue
        p = subprocess.run([opts.synced, "contract", pkg, "--variant", variant, "--json"],
                           cwd=opts.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        py_json = json.loads(gen.contract(os.fsencode(pkg), variant, as_json=True))
        d = None
        try:
            d = first_diff(json.loads(p.stdout), py_json)
        except ValueError:
            pass
        if d:
            key = re.sub(r"\[\d+\]", "[]", d[0])
            kinds[key] = kinds.get(key, 0) + 1
            if failed <= opts.max_report:
                print("MISMATCH %s at %s (%s):\n    C:      %s\n    astgen: %s"
                      % (tag, d[0], describe(py_json, d[0]),
                         json.dumps(d[1], ensure_ascii=False)[:300],
                         json.dumps(d[2], ensure_ascii=False)[:300]))
        else:
            kinds["markdown"] = kinds.get("markdown", 0) + 1
            ln, x, y = first_line_diff(c_md, py_md)
            if failed <= opts.max_report:
                print("MISMATCH %s markdown line %d:\n    C:      %r\n    astgen: %r"
                      % (tag, ln, x[:300], y[:300]))
    if kinds:
        print("mismatches by first differing field:")
        for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
            print("  %5d  %s" % (n, k))
    print("crosscheck: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def main(argv):
    ap = argparse.ArgumentParser()
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--render")
    g.add_argument("--git-spec")
    g.add_argument("--synced", metavar="GIT_SPEC",
                   help="run `GIT_SPEC sync` in REPO_ROOT and compare every contract file it "
                        "writes with astgen's Markdown (fast: one process); the JSON of a "
                        "mismatching one is then compared to name the first difference")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--max-report", type=int, default=40)
    ap.add_argument("--known", default=os.path.join(HERE, "known-disagreements"),
                    help="file of known disagreements, one 'PACKAGE FILE SYMBOL FIELD' a line")
    ap.add_argument("root")
    ap.add_argument("packages", nargs="*")
    opts = ap.parse_args(argv)
    sys.setrecursionlimit(20000)

    repo = astgen.Repo(opts.root)
    gen = astgen.Generator(repo)
    if opts.synced:
        return synced(opts, gen)
    cside = CSide(opts, opts.root, gen)
    known = read_known(opts.known)
    nknown = 0
    pkgs = opts.packages or [p.decode("utf-8", "surrogateescape") for p in repo.scan()]
    passed = failed = reported = 0
    kinds = {}

    def report(msg):
        nonlocal reported
        reported += 1
        if reported <= opts.max_report:
            print(msg)

    for pkg in pkgs:
        bpkg = os.fsencode(pkg)
        for variant in astgen.VARIANTS:
            try:
                py_json = json.loads(gen.contract(bpkg, variant, as_json=True))
                py_md = gen.contract(bpkg, variant) if opts.markdown else None
                py_err = None
            except astgen.PySyntaxError as e:
                py_err = str(e)
            rc, out, err = cside.run(pkg, variant, True)
            tag = "%s [%s]" % (pkg, variant)
            if rc > 128 or rc < 0:
                failed += 1
                kinds["crash"] = kinds.get("crash", 0) + 1
                report("CRASH %s: exit %d: %s" % (tag, rc, err.strip()[:300]))
                continue
            if py_err or rc != 0:
                if py_err and rc == 3 and "syntax error" in err:
                    passed += 1
                    continue
                failed += 1
                key = "syntax-error-disagreement"
                kinds[key] = kinds.get(key, 0) + 1
                report("MISMATCH %s: astgen: %s | C exit %d: %s"
                       % (tag, py_err or "ok", rc, err.strip()[:300]))
                continue
            try:
                c_json = json.loads(out)
            except ValueError as e:
                failed += 1
                kinds["invalid-json"] = kinds.get("invalid-json", 0) + 1
                report("MISMATCH %s: C printed invalid JSON (%s)" % (tag, e))
                continue
            d = first_diff(c_json, py_json)
            if d and is_known(known, pkg, py_json, d[0]):
                nknown += 1
                print("KNOWN %s at %s (%s): C %s, astgen %s"
                      % (tag, d[0], describe(py_json, d[0]), json.dumps(d[1])[:80],
                         json.dumps(d[2])[:80]))
                continue
            if d:
                failed += 1
                key = re.sub(r"\[\d+\]", "[]", d[0])
                kinds[key] = kinds.get(key, 0) + 1
                report("MISMATCH %s at %s (%s):\n    C:      %s\n    astgen: %s"
                       % (tag, d[0], describe(py_json, d[0]),
                          json.dumps(d[1], ensure_ascii=False)[:300],
                          json.dumps(d[2], ensure_ascii=False)[:300]))
                continue
            if opts.markdown:
                rc, out, err = cside.run(pkg, variant, False)
                if rc != 0 or out != py_md:
                    failed += 1
                    kinds["markdown"] = kinds.get("markdown", 0) + 1
                    if rc != 0:
                        report("MISMATCH %s markdown: C exit %d: %s" % (tag, rc, err.strip()[:300]))
                    else:
                        ln, x, y = first_line_diff(out, py_md)
                        report("MISMATCH %s markdown line %d:\n    C:      %r\n    astgen: %r"
                               % (tag, ln, x[:300], y[:300]))
                    continue
            passed += 1
    if reported > opts.max_report:
        print("... %d more mismatches not shown" % (reported - opts.max_report))
    if kinds:
        print("mismatches by first differing field:")
        for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]):
            print("  %5d  %s" % (n, k))
    print("crosscheck: %d passed, %d failed%s"
          % (passed, failed, ", %d known disagreements" % nknown if nknown else ""))
    return 1 if failed else 0


def read_known(path):
    """Disagreements waiting for a decision (each says why in a comment
    above it): PACKAGE FILE SYMBOL FIELD, e.g. `edgy edgy/targets.py paren
    value`. A mismatch there is printed as KNOWN and not counted."""
    out = set()
    if path and os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("#"):
                out.add(tuple(line.split()))
    return out


def is_known(known, pkg, doc, path):
    m = re.match(r"\$\.files\[(\d+)\]\.symbols\[(\d+)\]\.(\w+)$", path)
    if not m:
        return False
    try:
        f = doc["files"][int(m.group(1))]
        sym = f["symbols"][int(m.group(2))]["name"]
    except (IndexError, KeyError):
        return False
    return (pkg, f["path"], sym, m.group(3)) in known


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
