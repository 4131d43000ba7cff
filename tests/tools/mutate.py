#!/usr/bin/env python3
"""Programmatic API and non-API edits of real Python files.

Used by tests/tools/sensitivity.py. Every edit is a source-text edit
located by `ast` positions (or, for comments and continuation lines, by
the tokenize module), so the rest of the file stays byte for byte as
written. A kind is a function FileInfo -> [Mutation]; a mutation is a
description and a list of non-overlapping (start, end, text) edits on the
file's text.

API kinds must change the contract of the package (DESIGN 2.1: everything a
caller can observe by name); non-API kinds must not (bodies, comments, the
order of functions and methods, formatting).
"""

import ast
import io
import os
import re
import sys
import tokenize

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
import astgen  # noqa: E402

CALLABLE = (ast.FunctionDef, ast.AsyncFunctionDef)
ENUM_BASES = re.compile(r"(^|\.)(Enum|IntEnum|StrEnum|Flag|IntFlag|TextChoices|IntegerChoices|"
                        r"Choices)$")
RECORD_BASES = re.compile(r"(^|\.)(NamedTuple|TypedDict|BaseModel)$")
RECORD_DECOS = re.compile(r"^(dataclasses\.)?dataclass\b|^(attr\.)?(s|attrs|define|frozen)\b")


def parse(text):
    """ast of a file; PEP 695 headers (Python 3.12) blanked out as astgen
    does, columns kept. Raises SyntaxError."""
    try:
        return ast.parse(text)
    except SyntaxError:
        rw = astgen.pep695_rewrite(text)
        if rw is None:
            raise
        return ast.parse(rw[0])


class Mutation:
    def __init__(self, desc, edits):
        self.desc = desc
        self.edits = edits

    def apply(self, text):
        for start, end, new in sorted(self.edits, key=lambda e: (e[0], e[1]), reverse=True):
            text = text[:start] + new + text[end:]
        return text


class FileInfo:
    """One file of the corpus: text, ast, and the names its public
    contract shows (through astgen, the independent implementation)."""

    def __init__(self, rel, pkg, text, is_init):
        self.rel = rel
        self.pkg = pkg
        self.text = text
        self.is_init = is_init
        self.tree = parse(text)
        self.src = astgen.Source(text)
        model = astgen.parse_file(rel, text.encode("utf-8"))
        self.all_names = model.all_names
        self.public = {(q, s["kind"]) for s, q, _ in astgen.flatten(model, True)}
        self.public_names = {q for q, _ in self.public}
        self.defs = list(walk_defs(self.tree.body, ""))
        counts = {}
        for _, qual, _ in self.defs:
            counts[qual] = counts.get(qual, 0) + 1
        self.counts = counts

    def off(self, lineno, col):
        return self.src.offset(lineno, col)

    def start(self, node):
        return self.off(node.lineno, node.col_offset)

    def end(self, node):
        return self.off(node.end_lineno, node.end_col_offset)

    def stmt_start(self, node):
        """Start of a def/class including its decorators."""
        if getattr(node, "decorator_list", None):
            return self.off(node.decorator_list[0].lineno, node.col_offset) \
                if self.line_is_blank_before(node.decorator_list[0]) else None
        return self.start(node)

    def line_is_blank_before(self, node):
        line = self.src.lines[node.lineno - 1]
        b = line.encode("utf-8")[:node.col_offset].decode("utf-8", "replace")
        return b.strip(" \t@") == ""

    def starts_line(self, node):
        line = self.src.lines[node.lineno - 1]
        return line.encode("utf-8")[:node.col_offset].decode("utf-8", "replace").strip() == ""

    def line_start(self, lineno):
        return self.src.starts[lineno - 1]

    def line_end(self, lineno):
        return self.src.starts[lineno - 1] + len(self.src.lines[lineno - 1])


def walk_defs(stmts, prefix, cls=None):
    """(node, qualified name, enclosing class node) for every definition
    DESIGN 2.1 extracts: through compound statements, into classes."""
    for st in stmts:
        if isinstance(st, CALLABLE):
            yield st, prefix + st.name, cls
        elif isinstance(st, ast.ClassDef):
            yield st, prefix + st.name, cls
            yield from walk_defs(st.body, prefix + st.name + ".", st)
        elif isinstance(st, (ast.Assign, ast.AnnAssign)):
            targets = st.targets if isinstance(st, ast.Assign) else [st.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    yield st, prefix + t.id, cls
        else:
            for block in astgen.blocks_of(st):
                yield from walk_defs(block, prefix, cls)


def kind_of(fi, qual):
    for q, k in fi.public:
        if q == qual:
            return k
    return None


def is_public(fi, qual, kinds=None):
    k = kind_of(fi, qual)
    return k is not None and (kinds is None or k in kinds)


# ---------------------------------------------------------------------------
# Text helpers

def match_bracket(text, i):
    """Index of the bracket closing the one at text[i], skipping strings
    and comments, or None."""
    depth = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            i = astgen.skip_string(text, i)
            continue
        if c == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def header_parens(fi, node):
    """(open, close) offsets of a def's parameter list or a class's base
    list, or None (a class without parentheses)."""
    t = fi.text
    i = fi.start(node)
    m = re.compile(r"(async\s+)?(def|class)\s+" + re.escape(node.name) + r"\s*").match(t, i)
    if not m:
        return None
    k = m.end()
    if t[k:k + 1] == "[":
        k = match_bracket(t, k) + 1
        while t[k:k + 1] in (" ", "\t", "\\", "\n"):
            k += 1
    if t[k:k + 1] != "(":
        return None
    e = match_bracket(t, k)
    return (k, e) if e is not None else None


def segments(text, lo, hi):
    """Top-level comma-separated pieces of text[lo:hi] as (start, end),
    white space trimmed, an empty last piece (trailing comma) dropped."""
    out = []
    depth = 0
    i = lo
    seg = lo
    while i < hi:
        c = text[i]
        if c in "'\"":
            i = astgen.skip_string(text, i)
            continue
        if c == "#":
            while i < hi and text[i] != "\n":
                i += 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            out.append((seg, i))
            seg = i + 1
        i += 1
    out.append((seg, hi))
    trimmed = []
    for a, b in out:
        piece = text[a:b]
        s = len(piece) - len(piece.lstrip(" \t\n\\"))
        e = len(piece.rstrip(" \t\n\\"))
        if e > s:
            trimmed.append((a + s, a + e))
    return trimmed


def seg_texts(fi, node):
    hp = header_parens(fi, node)
    if hp is None:
        return None
    segs = segments(fi.text, hp[0] + 1, hp[1])
    return hp, [astgen.normalize_expr(fi.text[a:b]) for a, b in segs]


def rebuild(hp, texts):
    return Mutation(None, [(hp[0] + 1, hp[1], ", ".join(texts))])


SEG_NAME = re.compile(r"^\*{0,2}([A-Za-z_]\w*)")


def seg_name(s):
    m = SEG_NAME.match(s)
    return m.group(1) if m else None


def param_segments(fi, node):
    """(header parens, segment texts, [(index, param kind)]) for a def; the
    kinds follow the `/` and `*` markers."""
    r = seg_texts(fi, node)
    if r is None:
        return None
    hp, texts = r
    posonly = "/" in texts
    kinds = []
    state = "posonly" if posonly else "pos"
    for i, s in enumerate(texts):
        if s == "/":
            state = "pos"
            continue
        if s == "*":
            state = "kwonly"
            continue
        if s.startswith("**"):
            kinds.append((i, "var_keyword"))
            continue
        if s.startswith("*"):
            kinds.append((i, "var_positional"))
            state = "kwonly"
            continue
        kinds.append((i, state))
    return hp, texts, kinds


def has_self(fi, node, qual):
    """A method whose first parameter is the instance or the class."""
    k = kind_of(fi, qual) or ""
    if k in ("function", "async_function", "staticmethod"):
        return False
    if any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list):
        return False
    return bool(node.args.posonlyargs + node.args.args)


def mutate_expr(fi, node):
    """An edit that changes an expression's text: its last literal when it
    has one (so a change deep inside a long value is made), else the whole
    expression becomes None (or 0)."""
    inside_f = set()
    for n in ast.walk(node):
        if isinstance(n, ast.JoinedStr):
            for m in ast.walk(n):
                inside_f.add(id(m))
    consts = [n for n in ast.walk(node) if isinstance(n, ast.Constant) and id(n) not in inside_f]
    consts.sort(key=lambda n: (n.lineno, n.col_offset))
    if consts:
        c = consts[-1]
        a, b = fi.start(c), fi.end(c)
        old = fi.text[a:b]
        v = c.value
        if isinstance(v, bool):
            new = "False" if v else "True"
        elif v is None:
            new = "0"
        elif isinstance(v, (str, bytes)) and old[-1:] in ("'", '"'):
            return [(b - 1, b - 1, "x")] if not old.endswith(("'''", '"""')) \
                else [(b - 3, b - 3, "x")]
        elif isinstance(v, int):
            new = str(v + 1)
        elif isinstance(v, float):
            new = repr(v + 1.5)
        else:
            new = "None"
        if new == old:
            new = "(%s)" % new if new != "None" else "0"
        return [(a, b, new)]
    a, b = fi.start(node), fi.end(node)
    return [(a, b, "0" if fi.text[a:b] == "None" else "None")]


# ---------------------------------------------------------------------------
# API kinds

def api_remove_function(fi):
    for node, qual, cls in fi.defs:
        if isinstance(node, CALLABLE) and cls is None and is_public(fi, qual):
            s = fi.stmt_start(node)
            if s is not None:
                yield Mutation("remove function %s" % qual, [(s, fi.end(node), "pass")])


def api_remove_class(fi):
    for node, qual, cls in fi.defs:
        if isinstance(node, ast.ClassDef) and is_public(fi, qual):
            s = fi.stmt_start(node)
            if s is not None:
                yield Mutation("remove class %s" % qual, [(s, fi.end(node), "pass")])


def api_remove_method(fi):
    for node, qual, cls in fi.defs:
        if isinstance(node, CALLABLE) and cls is not None and is_public(fi, qual):
            s = fi.stmt_start(node)
            if s is not None:
                yield Mutation("remove method %s" % qual, [(s, fi.end(node), "pass")])


def init_assignments(fi, cls):
    """{attribute name: [assignment statements]} of self.X in the __init__
    methods of cls (outside nested functions and classes)."""
    out = {}

    def walk(stmts, me):
        for st in stmts:
            if isinstance(st, ast.Assign):
                for t in st.targets:
                    for name in astgen.self_attrs(t, me):
                        out.setdefault(name, []).append((st, len(st.targets) == 1
                                                         and isinstance(t, ast.Attribute)))
            elif isinstance(st, ast.AnnAssign):
                for name in astgen.self_attrs(st.target, me):
                    out.setdefault(name, []).append((st, True))
            else:
                for block in astgen.blocks_of(st):
                    walk(block, me)

    for node, qual, c in fi.defs:
        if c is cls and isinstance(node, CALLABLE) and node.name == "__init__":
            first = (node.args.posonlyargs + node.args.args)[:1]
            if first:
                walk(node.body, first[0].arg)
    return out


def api_remove_attribute(fi):
    for node, qual, cls in fi.defs:
        if not isinstance(node, ast.ClassDef):
            continue
        for name, sts in init_assignments(fi, node).items():
            if not is_public(fi, qual + "." + name, ("attribute",)):
                continue
            if not all(single for _, single in sts):
                continue
            yield Mutation("remove attribute %s.%s" % (qual, name),
                           [(fi.start(st), fi.end(st), "pass") for st, _ in sts])


def public_callables(fi):
    for node, qual, cls in fi.defs:
        if isinstance(node, CALLABLE) and is_public(fi, qual) \
                and kind_of(fi, qual) != "property":
            ps = param_segments(fi, node)
            if ps is not None:
                yield node, qual, ps


def api_add_required_param(fi):
    for node, qual, (hp, texts, kinds) in public_callables(fi):
        at = 0
        if has_self(fi, node, qual):
            if not kinds or kinds[0][1] not in ("pos", "posonly"):
                continue
            at = 1
        new = texts[:at] + ["zz_required"] + texts[at:]
        m = rebuild(hp, new)
        m.desc = "add required parameter to %s" % qual
        yield m


def api_remove_param(fi):
    for node, qual, (hp, texts, kinds) in public_callables(fi):
        skip = 1 if has_self(fi, node, qual) else 0
        for i, k in kinds[skip:]:
            new = texts[:i] + texts[i + 1:]
            # A marker left with nothing to mark goes too.
            if "*" in new:
                j = new.index("*")
                if j + 1 == len(new) or new[j + 1].startswith("**"):
                    del new[j]
            if new[:1] == ["/"]:
                del new[0]
            m = rebuild(hp, new)
            m.desc = "remove parameter %s of %s" % (seg_name(texts[i]), qual)
            yield m


def api_rename_param(fi):
    for node, qual, (hp, texts, kinds) in public_callables(fi):
        skip = 1 if has_self(fi, node, qual) else 0
        for i, k in kinds[skip:]:
            name = seg_name(texts[i])
            if name is None:
                continue
            new = list(texts)
            new[i] = texts[i].replace(name, name + "_renamed", 1)
            m = rebuild(hp, new)
            m.desc = "rename parameter %s of %s" % (name, qual)
            yield m


def has_default(s):
    return "=" in re.sub(r"(==|!=|<=|>=)", "", s.split(":", 1)[0]) or \
        (":" in s and "=" in s.split(":", 1)[1].replace("==", ""))


def api_reorder_param(fi):
    for node, qual, (hp, texts, kinds) in public_callables(fi):
        skip = 1 if has_self(fi, node, qual) else 0
        ks = kinds[skip:]
        for (i, k1), (j, k2) in zip(ks, ks[1:]):
            if j != i + 1 or k1 != k2 or k1 not in ("pos", "posonly"):
                continue
            if has_default(texts[i]) != has_default(texts[j]):
                continue
            new = list(texts)
            new[i], new[j] = new[j], new[i]
            m = rebuild(hp, new)
            m.desc = "swap parameters %s and %s of %s" % (seg_name(texts[i]),
                                                         seg_name(texts[j]), qual)
            yield m


def api_change_default(fi):
    for node, qual, cls in fi.defs:
        if not (isinstance(node, CALLABLE) and is_public(fi, qual)):
            continue
        a = node.args
        pos = a.posonlyargs + a.args
        pairs = list(zip(pos[len(pos) - len(a.defaults):], a.defaults)) + \
            [(p, d) for p, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None]
        for p, d in pairs:
            yield Mutation("change default of %s in %s" % (p.arg, qual), mutate_expr(fi, d))


def api_change_param_kind(fi):
    for node, qual, (hp, texts, kinds) in public_callables(fi):
        if any(k in ("kwonly", "var_positional") for _, k in kinds):
            continue
        skip = 1 if has_self(fi, node, qual) else 0
        pos = [i for i, k in kinds[skip:] if k == "pos"]
        if not pos:
            continue
        i = pos[-1]
        new = texts[:i] + ["*"] + texts[i:]
        m = rebuild(hp, new)
        m.desc = "make %s of %s keyword-only" % (seg_name(texts[i]), qual)
        yield m


def api_change_return(fi):
    for node, qual, cls in fi.defs:
        if not (isinstance(node, CALLABLE) and is_public(fi, qual)):
            continue
        if node.returns is not None:
            a, b = fi.start(node.returns), fi.end(node.returns)
            new = "None" if fi.text[a:b] == "object" else "object"
            yield Mutation("change return annotation of %s" % qual, [(a, b, new)])
        else:
            hp = header_parens(fi, node)
            if hp is not None:
                yield Mutation("annotate the return of %s" % qual,
                               [(hp[1] + 1, hp[1] + 1, " -> int")])


def public_variables(fi):
    for node, qual, cls in fi.defs:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and is_public(fi, qual, ("variable",)):
            yield node, qual, cls


def api_change_var_annotation(fi):
    for node, qual, cls in public_variables(fi):
        if isinstance(node, ast.AnnAssign):
            a, b = fi.start(node.annotation), fi.end(node.annotation)
            new = "int" if fi.text[a:b] == "object" else "object"
            yield Mutation("change annotation of %s" % qual, [(a, b, new)])
        elif len(node.targets) == 1:
            e = fi.end(node.targets[0])
            yield Mutation("annotate %s" % qual, [(e, e, ": int")])


def api_change_var_value(fi):
    for node, qual, cls in public_variables(fi):
        if node.value is not None and (isinstance(node, ast.AnnAssign)
                                       or len(node.targets) == 1):
            yield Mutation("change value of %s" % qual, mutate_expr(fi, node.value))


def class_fields(fi, node):
    """Direct one-line field statements of a class body: (stmt, name)."""
    out = []
    for st in node.body:
        if isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name):
            name = st.target.id
        elif isinstance(st, ast.Assign) and len(st.targets) == 1 \
                and isinstance(st.targets[0], ast.Name):
            name = st.targets[0].id
        else:
            continue
        if st.lineno == st.end_lineno and fi.starts_line(st):
            out.append((st, name))
    return out


def is_record(fi, node):
    decos = [astgen.normalize_expr(fi.text[fi.start(d):fi.end(d)]) for d in node.decorator_list]
    bases = [astgen.normalize_expr(fi.text[fi.start(b):fi.end(b)]) for b in node.bases]
    return any(RECORD_DECOS.match(d) for d in decos) or any(RECORD_BASES.search(b) for b in bases)


def is_enum(fi, node):
    bases = [astgen.normalize_expr(fi.text[fi.start(b):fi.end(b)]) for b in node.bases]
    return any(ENUM_BASES.search(b) for b in bases)


def api_reorder_fields(fi):
    for node, qual, cls in fi.defs:
        if not (isinstance(node, ast.ClassDef) and is_public(fi, qual) and is_record(fi, node)):
            continue
        fields = class_fields(fi, node)
        for (s1, n1), (s2, n2) in zip(fields, fields[1:]):
            if n1 == n2 or s2.lineno != s1.lineno + 1 or s1.col_offset != s2.col_offset:
                continue
            if not (is_public(fi, qual + "." + n1) and is_public(fi, qual + "." + n2)):
                continue
            l1 = fi.src.lines[s1.lineno - 1]
            l2 = fi.src.lines[s2.lineno - 1]
            yield Mutation("swap fields %s and %s of %s" % (n1, n2, qual),
                           [(fi.line_start(s1.lineno), fi.line_end(s2.lineno), l2 + "\n" + l1)])


def api_change_enum_value(fi):
    for node, qual, cls in fi.defs:
        if not (isinstance(node, ast.ClassDef) and is_public(fi, qual) and is_enum(fi, node)):
            continue
        for st, name in class_fields(fi, node):
            if st.value is not None and is_public(fi, qual + "." + name):
                yield Mutation("change value of %s.%s" % (qual, name), mutate_expr(fi, st.value))


def api_make_async(fi):
    for node, qual, cls in fi.defs:
        if isinstance(node, ast.FunctionDef) and is_public(fi, qual):
            s = fi.start(node)
            yield Mutation("make %s async" % qual, [(s, s, "async ")])


def api_remove_base(fi):
    for node, qual, cls in fi.defs:
        if not (isinstance(node, ast.ClassDef) and is_public(fi, qual) and node.bases):
            continue
        r = seg_texts(fi, node)
        if r is None:
            continue
        hp, texts = r
        for i, s in enumerate(texts):
            if "=" in s.split("(")[0] or s.startswith("*"):
                continue
            m = rebuild(hp, texts[:i] + texts[i + 1:])
            m.desc = "remove base %s of %s" % (s, qual)
            yield m


def api_remove_from_all(fi):
    if fi.all_names is None:
        return
    defined = {q for q in fi.counts if "." not in q}
    for st in fi.tree.body:
        if not (isinstance(st, ast.Assign) and len(st.targets) == 1
                and isinstance(st.targets[0], ast.Name) and st.targets[0].id == "__all__"
                and isinstance(st.value, (ast.List, ast.Tuple))):
            continue
        elts = st.value.elts
        for i, e in enumerate(elts):
            if fi.all_names.count(e.value) != 1:
                continue
            if not fi.is_init and e.value not in defined:
                continue
            if len(elts) == 1:
                edit = (fi.start(e), fi.end(e), "")
            elif i + 1 < len(elts):
                edit = (fi.start(e), fi.start(elts[i + 1]), "")
            else:
                edit = (fi.end(elts[i - 1]), fi.end(e), "")
            yield Mutation("remove %s from __all__" % e.value, [edit])


SYNTH_GENERIC = '''"""Synthesised PEP 695 definitions for the sensitivity suite."""

type SensPair[T] = tuple[T, T]
type SensPlain = list[int]


def sens_first[T](items: list[T]) -> T:
    return items[0]


def sens_plain(x: int) -> int:
    return x


class SensBox[T]:
    def get[S](self, s: S) -> T | S:
        return s

    def put(self, item: T) -> None:
        pass


class SensFlat:
    pass
'''

SYNTH_RECORDS = '''


@dataclasses.dataclass
class SensRecord:
    """Synthesised for the sensitivity suite."""

    first: int
    second: int
    third: str = "c"


class SensColour(enum.Enum):
    RED = 1
    GREEN = "green"
'''

# (description, old text, new text) on SYNTH_GENERIC.
TYPE_PARAM_EDITS = [
    ("add a type parameter to function sens_plain", "def sens_plain(", "def sens_plain[U]("),
    ("add a type parameter to alias SensPlain", "type SensPlain =", "type SensPlain[U] ="),
    ("add a type parameter to method SensBox.put", "def put(", "def put[U]("),
    ("add a type parameter to class SensFlat", "class SensFlat:", "class SensFlat[U]:"),
    ("bound the type parameter of function sens_first", "def sens_first[T]",
     "def sens_first[T: int]"),
    ("constrain the type parameter of alias SensPair", "type SensPair[T]",
     "type SensPair[T: (int, str)]"),
    ("rename the type parameter of class SensBox", "class SensBox[T]", "class SensBox[V]"),
    ("add a TypeVarTuple to method SensBox.get", "def get[S]", "def get[S, *Ts]"),
    ("add a ParamSpec to function sens_first", "def sens_first[T]", "def sens_first[T, **P]"),
]


def api_type_params(fi):
    base = fi.text.find("Synthesised PEP 695")
    if base < 0:
        return
    for desc, old, new in TYPE_PARAM_EDITS:
        k = fi.text.find(old, base)
        if k >= 0:
            yield Mutation(desc, [(k, k + len(old), new)])


# ---------------------------------------------------------------------------
# Non-API kinds

def unique_callables(fi, cls):
    out = []
    for node, qual, c in fi.defs:
        if c is cls and isinstance(node, CALLABLE) and fi.counts[qual] == 1:
            out.append((node, qual))
    return out


def block_lines(fi, node):
    first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
    return first, node.end_lineno


def swap_blocks(fi, a, b, desc):
    (a1, a2), (b1, b2) = block_lines(fi, a), block_lines(fi, b)
    if a1 > b1:
        (a1, a2), (b1, b2) = (b1, b2), (a1, a2)
    if a2 >= b1:
        return None
    ta = fi.text[fi.line_start(a1):fi.line_end(a2)]
    tb = fi.text[fi.line_start(b1):fi.line_end(b2)]
    return Mutation(desc, [(fi.line_start(a1), fi.line_end(a2), tb),
                           (fi.line_start(b1), fi.line_end(b2), ta)])


def direct_children(body):
    return {id(s) for s in body}


def nonapi_reorder_functions(fi):
    top = direct_children(fi.tree.body)
    fns = [(n, q) for n, q in unique_callables(fi, None) if id(n) in top and n.col_offset == 0]
    for (a, qa), (b, qb) in zip(fns, fns[1:]):
        m = swap_blocks(fi, a, b, "swap functions %s and %s" % (qa, qb))
        if m:
            yield m


def nonapi_reorder_methods(fi):
    for node, qual, cls in fi.defs:
        if not isinstance(node, ast.ClassDef):
            continue
        body = direct_children(node.body)
        ms = [(n, q) for n, q in unique_callables(fi, node) if id(n) in body
              and fi.starts_line(n)]
        for (a, qa), (b, qb) in zip(ms, ms[1:]):
            m = swap_blocks(fi, a, b, "swap methods %s and %s" % (qa, qb))
            if m:
                yield m


def nonapi_edit_body(fi):
    for node, qual, cls in fi.defs:
        if not isinstance(node, CALLABLE) or node.body[0].lineno == node.lineno:
            continue
        body = node.body
        k = 1 if (isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                  and isinstance(body[0].value.value, str)) else 0
        if k < len(body):
            st = body[k]
            if not fi.starts_line(st):
                continue
            line = fi.src.lines[st.lineno - 1]
            indent = line[:len(line) - len(line.lstrip(" \t"))]
            at = fi.line_start(st.lineno)
            yield Mutation("edit the body of %s" % qual,
                           [(at, at, indent + "_sensitivity_local = [1, 2]  # edited\n")])


def tokens(fi):
    try:
        return list(tokenize.generate_tokens(io.StringIO(fi.text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []


def nonapi_edit_comments(fi):
    toks = tokens(fi)
    depth = 0
    for k, t in enumerate(toks):
        if t.type == tokenize.OP and t.string in "([{":
            depth += 1
        elif t.type == tokenize.OP and t.string in ")]}":
            depth -= 1
        if t.type == tokenize.COMMENT and t.start[0] > 2:
            e = fi.line_start(t.end[0]) + t.end[1]
            yield Mutation("edit the comment on line %d" % t.start[0], [(e, e, " (edited)")])
        elif t.type == tokenize.NL and depth > 0 and k and toks[k - 1].type != tokenize.COMMENT:
            # A new comment inside a bracketed expression (a value, a
            # default, a decorator): comments are never part of a contract.
            s = fi.line_start(t.start[0]) + t.start[1]
            yield Mutation("add a comment inside brackets on line %d" % t.start[0],
                           [(s, s, "  # (added)")])


def nonapi_blank_lines(fi):
    starts = sorted({st.lineno for st in ast.walk(fi.tree) if isinstance(st, ast.stmt)
                     and fi.starts_line(st)})
    for i in range(0, len(starts), 3):
        chosen = starts[i:i + 3]
        yield Mutation("blank lines before lines %s" % ", ".join(map(str, chosen)),
                       [(fi.line_start(n), fi.line_start(n), "\n\n") for n in chosen])


def nonapi_reindent_continuation(fi):
    toks = tokens(fi)
    depth = 0
    in_string = set()
    cont = []
    for t in toks:
        if t.type == tokenize.STRING and t.end[0] > t.start[0]:
            in_string.update(range(t.start[0] + 1, t.end[0] + 1))
        if t.type == tokenize.OP and t.string in "([{":
            depth += 1
        elif t.type == tokenize.OP and t.string in ")]}":
            depth -= 1
        elif t.type == tokenize.NL and depth > 0:
            cont.append(t.start[0] + 1)
    lines = [n for n in cont if n not in in_string and n <= len(fi.src.lines)]
    for i in range(0, len(lines), 4):
        chosen = lines[i:i + 4]
        yield Mutation("re-indent continuation lines %s" % ", ".join(map(str, chosen)),
                       [(fi.line_start(n), fi.line_start(n), "    ") for n in chosen])


def nonapi_wrap_params(fi):
    for node, qual, cls in fi.defs:
        if not isinstance(node, CALLABLE) or not fi.starts_line(node):
            continue
        hp = header_parens(fi, node)
        if hp is None or "\n" in fi.text[hp[0]:hp[1]]:
            continue
        segs = segments(fi.text, hp[0] + 1, hp[1])
        if len(segs) < 2:
            continue
        line = fi.src.lines[node.lineno - 1]
        indent = line[:len(line) - len(line.lstrip(" \t"))]
        body = "".join("\n" + indent + "        " + fi.text[a:b] + "," for a, b in segs)
        yield Mutation("wrap the parameters of %s" % qual,
                       [(hp[0] + 1, hp[1], body + "\n" + indent)])


def nonapi_wrap_call_args(fi):
    """Wrap the arguments of a call in a value or a default over several
    lines, with a trailing comma: DESIGN 2.1 drops that comma again."""
    for node in ast.walk(fi.tree):
        if not isinstance(node, ast.Call) or node.lineno != node.end_lineno:
            continue
        args = node.args + node.keywords
        if len(args) < 2 or any(isinstance(a, ast.GeneratorExp) for a in node.args):
            continue
        o = fi.end(node.func)
        while fi.text[o] in " \t":
            o += 1
        if fi.text[o] != "(":
            continue
        c = match_bracket(fi.text, o)
        if c is None or c + 1 != fi.end(node):
            continue
        segs = segments(fi.text, o + 1, c)
        if len(segs) != len(args):
            continue
        line = fi.src.lines[node.lineno - 1]
        indent = line[:len(line) - len(line.lstrip(" \t"))]
        body = "".join("\n" + indent + "        " + fi.text[a:b] + "," for a, b in segs)
        yield Mutation("wrap the arguments of the call on line %d" % node.lineno,
                       [(o + 1, c, body + "\n" + indent)])


API_KINDS = [
    ("remove_function", api_remove_function),
    ("remove_class", api_remove_class),
    ("remove_method", api_remove_method),
    ("remove_attribute", api_remove_attribute),
    ("add_required_param", api_add_required_param),
    ("remove_param", api_remove_param),
    ("rename_param", api_rename_param),
    ("reorder_param", api_reorder_param),
    ("change_default", api_change_default),
    ("change_param_kind", api_change_param_kind),
    ("change_return_annotation", api_change_return),
    ("change_var_annotation", api_change_var_annotation),
    ("change_var_value", api_change_var_value),
    ("reorder_dataclass_fields", api_reorder_fields),
    ("change_enum_value", api_change_enum_value),
    ("type_params", api_type_params),
    ("make_async", api_make_async),
    ("remove_base", api_remove_base),
    ("remove_from_all", api_remove_from_all),
]

NONAPI_KINDS = [
    ("reorder_functions", nonapi_reorder_functions),
    ("reorder_methods", nonapi_reorder_methods),
    ("edit_body", nonapi_edit_body),
    ("edit_comments", nonapi_edit_comments),
    ("blank_lines", nonapi_blank_lines),
    ("reindent_continuation", nonapi_reindent_continuation),
    ("wrap_params", nonapi_wrap_params),
    ("wrap_call_args", nonapi_wrap_call_args),
]
