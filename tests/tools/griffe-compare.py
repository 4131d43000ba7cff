"""Check that every breakage `griffe check` reports is breaking in `git spec diff --json`.

Test helper only (tests/e2e/t1960-diff-griffe.sh). Usage:
griffe-compare.py GRIFFE_OUTPUT DIFF_JSON. griffe's one-line form is
`PATH:LINE: OBJECT: Kind[: old -> new]`, PATH relative to the search path,
or inside griffe's temporary worktree for what only the old side has.
Objects are compared by (path, object): line numbers differ on purpose
(griffe points at the first decorator, git spec diff at the definition).
Prints one line per griffe breakage and a summary; exits 1 when one is
missing or not breaking.
"""
import json
import re
import sys

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<object>[^:]*): (?P<kind>[^:]+)(?:: .*)?$")


def normalise(path):
    # /tmp/griffe-worktree-XXXX/griffe_REF/pkg/mod.py -> pkg/mod.py
    m = re.search(r"/griffe_[^/]*/(.*)$", path)
    return m.group(1) if m else path


def main():
    griffe = []
    with open(sys.argv[1], encoding="utf-8") as f:
        for raw in f:
            m = LINE.match(raw.rstrip("\n"))
            if m:
                griffe.append((normalise(m.group("path")), m.group("object"), m.group("kind")))
    with open(sys.argv[2], encoding="utf-8") as f:
        changes = json.load(f)["changes"]
    breaking = {(c["path"], c["object"]) for c in changes if c["breaking"]}
    missing = 0
    for path, obj, kind in griffe:
        ok = (path, obj) in breaking
        missing += not ok
        print(f"{'ok' if ok else 'MISSING'} {path}: {obj}: {kind}")
    print(f"griffe: {len(griffe)} breakages, {missing} not reported as breaking; "
          f"git spec diff: {len(breaking)} breaking objects")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
