#!/usr/bin/env python3
"""The sensitivity suite: do contracts change exactly when the API does?

    sensitivity.py --git-spec GIT_SPEC --work DIR [--per-kind N] [--seed S]
                   [--pool N] [--griffe] [--kinds K,...] NAME=SRC_DIR...

For every corpus (a directory of real Python code, e.g. Debian's Django or
SymPy), build a git repository holding its .py files with one spec per
package, a few modules turned into packages (so that real code sits in
__init__.py) and a few synthesised definitions the corpora lack
(dataclasses, enums, PEP 695 type parameters), and `git spec sync` it.
Then, one round per kind of edit (tests/tools/mutate.py), mutate up to N
files of N different packages, run `git spec check --json` once, and
restore them:

- an API kind must leave the public contract of each mutated package
  stale ("seen N/M");
- a non-API kind must leave every contract fresh ("flagged N/M").

Each API kind runs twice: on ordinary modules and inside __init__.py
("@init"). astgen.py, the independent implementation of DESIGN 2, gives its
own verdict on every mutation (a wrong mutation shows there too). With
--griffe, griffe's breaking-change detector (Debian's python3-griffe) is
run on every before/after pair, and every breakage it reports must have
changed a contract of the package.

Prints one line per corpus and kind and "sensitivity: PASS" or
"sensitivity: FAIL"; exits 1 on failure.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
import astgen  # noqa: E402
import mkrepo  # noqa: E402
import mutate  # noqa: E402


# Bounded in time: test directories, benchmarks, SymPy's generated Rubi
# rules and files above 100 kB are left out of the corpus.
SKIP_DIRS = re.compile(r"/(tests|benchmarks|rubi)/")
MAX_SIZE = 100000
# Files mutated are at most this big (each is parsed by ast, astgen and
# griffe, twice).
MAX_MUTATED = 40000


def log(msg):
    print(msg, flush=True)


def read_text(path):
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf") or b"\r" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


class Corpus:
    def __init__(self, name, src, opts):
        self.name = name
        self.src = os.path.abspath(src)
        self.opts = opts
        self.root = os.path.join(opts.work, name)
        self.rng = random.Random(opts.seed * 1000003 + zlib.crc32(name.encode()))
        self.infos = {}
        self.synth = set()

    # -- setup ------------------------------------------------------------
    def build(self):
        mkrepo.init_repo(self.root)
        base = os.path.basename(self.src.rstrip("/"))
        for dirpath, dirnames, filenames in os.walk(self.src):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            rel = os.path.relpath(dirpath, self.src)
            out = os.path.normpath(os.path.join(self.root, base, rel))
            if SKIP_DIRS.search("/" + rel + "/"):
                continue
            for f in sorted(filenames):
                full = os.path.join(dirpath, f)
                if (f.endswith(".py") or f.endswith(".pyi")) and not os.path.islink(full) \
                        and os.path.getsize(full) <= MAX_SIZE:
                    os.makedirs(out, exist_ok=True)
                    shutil.copyfile(os.path.join(dirpath, f), os.path.join(out, f))
        self.repo = astgen.Repo(self.root)
        files = self.all_files()
        modules = [f for f in files if not self.is_init(f) and not astgen.is_test_file(f.encode())]
        self.rng.shuffle(modules)
        # Real code in __init__.py: turn modules into packages (m.py ->
        # m/__init__.py), on top of the corpus's own __init__.py files.
        converted = []
        for rel in modules:
            if len(converted) >= self.opts.convert:
                break
            path = os.path.join(self.root, rel)
            size = os.path.getsize(path)
            if not (1500 <= size <= MAX_MUTATED) or read_text(path) is None:
                continue
            target = path[:-3]
            if os.path.exists(target):
                continue
            os.makedirs(target)
            os.rename(path, os.path.join(target, "__init__.py"))
            converted.append(rel[:-3] + "/__init__.py")
        self.repo = astgen.Repo(self.root)
        files = self.all_files()
        # Synthesised definitions the corpora lack (or have few of).
        plain = [f for f in files if f not in converted and not self.is_init(f)
                 and not astgen.is_test_file(f.encode())]
        self.rng.shuffle(plain)
        n = self.opts.per_kind + 5
        for rel in [f for f in plain if self.no_all(f)][:n] + \
                [f for f in converted if self.no_all(f)][:n]:
            path = os.path.join(self.root, rel)
            write_text(path, read_text(path) + mutate.SYNTH_RECORDS)
            self.synth.add(rel)
        pkgs = sorted({self.package_of(f) for f in plain})
        self.rng.shuffle(pkgs)
        for pkg in pkgs[:n]:
            rel = pkg + "/sens_generic.py"
            write_text(os.path.join(self.root, rel), mutate.SYNTH_GENERIC)
            self.synth.add(rel)
        for rel in [f for f in converted if self.no_all(f)][-n:]:
            path = os.path.join(self.root, rel)
            write_text(path, read_text(path) + "\n\n" + mutate.SYNTH_GENERIC)
            self.synth.add(rel)
        self.repo = astgen.Repo(self.root)
        self.packages = [p.decode() for p in self.repo.scan()]
        mkrepo.write_specs(self.root, [(p, self.repo.module_name(p.encode()))
                                       for p in self.packages])
        t = time.time()
        p = self.git_spec("sync")
        if p.returncode != 0:
            raise SystemExit("%s: git spec sync failed: %s" % (self.name, p.stderr[-2000:]))
        mkrepo.commit_all(self.root, "corpus, specs and contracts")
        files = self.all_files()
        log("# %s: %d files, %d packages (%d modules made packages), sync %.1fs"
            % (self.name, len(files), len(self.packages), len(converted), time.time() - t))
        others = [f for f in files if f not in self.synth and not astgen.is_test_file(f.encode())
                  and os.path.getsize(os.path.join(self.root, f)) <= MAX_MUTATED]
        self.rng.shuffle(others)
        self.pool = sorted(self.synth) + others[:self.opts.pool] + \
            [f for f in others[self.opts.pool:] if self.is_init(f)]

    def all_files(self):
        out = []
        for pkg in self.repo.scan():
            out.extend(r.decode() for r in self.repo.files(pkg))
        return sorted(set(out))

    def no_all(self, rel):
        text = read_text(os.path.join(self.root, rel))
        return text is not None and not re.search(r"^__all__\b", text, re.M)

    @staticmethod
    def is_init(rel):
        return os.path.basename(rel) in ("__init__.py", "__init__.pyi")

    def package_of(self, rel):
        d = os.path.dirname(rel)
        while d and not self.repo.is_package(d.encode()):
            d = os.path.dirname(d)
        return d

    def git_spec(self, *args):
        return subprocess.run([self.opts.git_spec] + list(args), cwd=self.root,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def info(self, rel):
        if rel not in self.infos:
            fi = None
            text = read_text(os.path.join(self.root, rel))
            if text is not None:
                try:
                    fi = mutate.FileInfo(rel, self.package_of(rel), text, self.is_init(rel))
                except (SyntaxError, ValueError, RecursionError, astgen.PySyntaxError):
                    fi = None
            self.infos[rel] = fi
        return self.infos[rel]

    # -- one round ----------------------------------------------------------
    def choose(self, kind, fn, init_only):
        rng = random.Random("%d/%s/%s/%s" % (self.opts.seed, self.name, kind, init_only))
        pool = [f for f in self.pool if self.is_init(f) == init_only]
        rng.shuffle(pool)
        chosen = []
        used = set()
        for rel in pool:
            if len(chosen) >= self.opts.per_kind:
                break
            pkg = self.package_of(rel)
            if pkg in used:
                continue
            fi = self.info(rel)
            if fi is None:
                continue
            cands = list(fn(fi))
            rng.shuffle(cands)
            for m in cands[:8]:
                new = m.apply(fi.text)
                if new == fi.text:
                    continue
                try:
                    mutate.parse(new)
                except (SyntaxError, ValueError):
                    continue
                chosen.append((fi, m, new))
                used.add(pkg)
                break
        return chosen

    def round(self, kind, fn, api, init_only, griffe):
        chosen = self.choose(kind, fn, init_only)
        for fi, m, new in chosen:
            write_text(os.path.join(self.root, fi.rel), new)
        try:
            p = self.git_spec("check", "--json")
        finally:
            for fi, m, new in chosen:
                write_text(os.path.join(self.root, fi.rel), fi.text)
        result = {"kind": kind + ("@init" if init_only else ""), "api": api,
                  "total": len(chosen), "hits": 0, "astgen": 0, "griffe": 0,
                  "griffe_total": 0, "misses": [], "griffe_disagree": [], "errors": [],
                  "griffe_silent": [], "griffe_kinds": {}}
        try:
            data = json.loads(p.stdout)
        except ValueError:
            result["errors"].append("check exit %d: %s" % (p.returncode, p.stderr[-500:]))
            return result
        if p.returncode not in (0, 1) or data.get("errors"):
            result["errors"].append("check exit %d: %s %s" % (p.returncode, data.get("errors"),
                                                              p.stderr[-500:]))
        stale = {}
        for e in data.get("stale", []):
            stale.setdefault(e["package"], set()).add(e["variant"])
        for fi, m, new in chosen:
            variants = stale.get(fi.pkg, set())
            hit = ("public" in variants) if api else bool(variants)
            result["hits"] += hit
            # astgen's verdict tells a wrong mutation from a blind engine;
            # asked only when the engine's verdict is wrong (it costs two
            # parses).
            a = astgen_changed(fi, new) if hit != api else api
            result["astgen"] += a == api
            if hit != api or a != api:
                result["misses"].append("%s: %s (stale: %s; astgen: %s)"
                                        % (fi.rel, m.desc, ",".join(sorted(variants)) or "none",
                                           "changed" if a else "same"))
            if griffe:
                g = griffe_breakages(fi, new)
                if g is None:
                    continue
                result["griffe_total"] += 1
                for b in g:
                    k = b.split(":")[0]
                    result["griffe_kinds"][k] = result["griffe_kinds"].get(k, 0) + 1
                if api and not g:
                    result["griffe_silent"].append("%s: %s" % (fi.rel, m.desc))
                if g:
                    result["griffe"] += 1
                    if not variants:
                        result["griffe_disagree"].append(
                            "%s: %s: griffe: %s" % (fi.rel, m.desc, "; ".join(g[:3])))
        return result


def file_contract(rel, text, is_init):
    mod = astgen.parse_file(rel, text.encode("utf-8"))
    out = []
    for public in (True, False):
        out.append([(q, astgen.span_text(s, s["name"]), s["doc"])
                    for s, q, _ in astgen.flatten(mod, public)])
    out.append(mod.doc)
    if is_init:
        out.append(sorted(set(mod.all_names)) if mod.all_names is not None else None)
    return out


def astgen_changed(fi, new):
    try:
        return file_contract(fi.rel, fi.text, fi.is_init) != file_contract(fi.rel, new, fi.is_init)
    except astgen.PySyntaxError:
        return True


GRIFFE = None


def griffe_breakages(fi, new):
    """Breakages griffe reports between the two versions of one module, or
    None when griffe cannot read them (PEP 695 is newer than its parser)."""
    from pathlib import Path
    import griffe.agents.visitor as visitor
    import griffe.diff as diff
    import logging
    global GRIFFE
    if GRIFFE is None:
        logging.getLogger("griffe").setLevel(logging.CRITICAL)
        visitor.patch_ast()
        GRIFFE = True
    mod = fi.rel[:-3] if fi.rel.endswith(".py") else fi.rel[:-4]
    if mod.endswith("/__init__"):
        mod = mod[:-len("/__init__")]
    mod = mod.replace("/", ".")
    path = Path(fi.rel)
    try:
        old = visitor.visit(mod, path, fi.text)
        cur = visitor.visit(mod, path, new)
        out = []
        for b in diff.find_breaking_changes(old, cur):
            try:
                out.append("%s: %s" % (b.kind.name, b.obj.path))
            except Exception:  # noqa: BLE001 - griffe's own errors
                out.append(b.kind.name)
        return out
    except SyntaxError:
        return None
    except Exception as e:  # noqa: BLE001 - unresolvable aliases and the like
        return None


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--git-spec", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--per-kind", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pool", type=int, default=250)
    ap.add_argument("--convert", type=int, default=60)
    ap.add_argument("--griffe", action="store_true")
    ap.add_argument("--kinds")
    ap.add_argument("--json")
    ap.add_argument("corpora", nargs="+")
    opts = ap.parse_args(argv)
    sys.setrecursionlimit(20000)
    opts.git_spec = os.path.abspath(opts.git_spec)
    os.makedirs(opts.work, exist_ok=True)
    wanted = set(opts.kinds.split(",")) if opts.kinds else None
    ok = True
    report = []
    t0 = time.time()
    for spec in opts.corpora:
        name, _, src = spec.partition("=")
        c = Corpus(name, src, opts)
        c.build()
        rounds = [(k, f, True, False) for k, f in mutate.API_KINDS] + \
            [(k, f, True, True) for k, f in mutate.API_KINDS] + \
            [(k, f, False, False) for k, f in mutate.NONAPI_KINDS] + \
            [(k, f, False, True) for k, f in mutate.NONAPI_KINDS]
        for kind, fn, api, init_only in rounds:
            if wanted and kind not in wanted:
                continue
            r = c.round(kind, fn, api, init_only, opts.griffe)
            r["corpus"] = name
            report.append(r)
            word = "seen" if api else "flagged"
            line = "%-7s %-7s %-32s %s %2d/%-2d" % (
                name, "API" if api else "non-API", r["kind"], word, r["hits"], r["total"])
            if opts.griffe:
                line += "  griffe breakage %2d/%-2d" % (r["griffe"], r["griffe_total"])
            good = r["total"] > 0 and not r["errors"] and not r["griffe_disagree"] and \
                (r["hits"] == r["total"] if api else r["hits"] == 0)
            log(line + ("" if good else "   <-- FAIL"))
            for msg in r["errors"] + r["misses"] + r["griffe_disagree"]:
                log("    " + msg)
            if r["total"] == 0:
                log("    no mutation of this kind found")
            ok = ok and good
    api = [r for r in report if r["api"]]
    non = [r for r in report if not r["api"]]
    log("# API changes seen: %d/%d; non-API changes flagged: %d/%d; %.0fs"
        % (sum(r["hits"] for r in api), sum(r["total"] for r in api),
           sum(r["hits"] for r in non), sum(r["total"] for r in non), time.time() - t0))
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump(report, f, indent=1)
    log("sensitivity: %s" % ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
