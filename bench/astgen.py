#!/usr/bin/env python3
"""Generate git-spec contracts (contract format 2) with Python's `ast` module.

This is the baseline of the benchmark (DESIGN.md 4) and an independent
cross-check of the contract format: it is written from DESIGN.md 1 and 2
alone, without looking at the C extractor, and reads packages from a
directory on disk.

    astgen.py [--json] [--variant V] [--module M] REPO_ROOT PKG_PATH
    astgen.py --batch [--leaves] [--json] REPO_ROOT OUTDIR
    astgen.py --packages REPO_ROOT

The first form prints one contract. --batch writes OUTDIR/PKG_PATH/V.md for
the three variants of every package (with --leaves, of every leaf package),
parsing each file once. --packages prints "PATH<TAB>MODULE<TAB>leaf|node"
for every package.

Exit status: 0, 2 for usage errors, 3 for a syntax error
("path:line:col: syntax error" on standard error).

Python 3.11's parser does not know PEP 695 (`type X = ...`, `def f[T]()`,
`class C[T]`). When a file does not parse, its PEP 695 headers are found
with the tokenize module, recorded, and blanked out (columns kept) before a
second parse, so such files are still extracted.
"""

import argparse
import ast
import codecs
import fnmatch
import hashlib
import io
import json
import os
import re
import stat
import sys
import tokenize

VARIANTS = ("public", "all", "tests")
TEST_PATTERNS = ("test_*.py", "*_test.py", "conftest.py")
IGNORED_DIRS = ("node_modules", ".venv", "venv", "build", "dist")
COMMENT = ("<!-- Derived from the package sources by git-spec (contract format 2). "
           "Do not edit: run `git spec sync`. -->")
LONG_VALUE = 80         # a value longer than this (code points) is shortened
LONG_KEEP = 64          # to its first LONG_KEEP code points, "…", " #" and a hash
DOC_MAX = 160           # a docstring summary longer than this is cut

# Bytes that are not valid UTF-8 are carried through the parser as private
# use characters (one per byte) and rendered as the text \xNN at the end.
ESC_BASE = 0x10FF00
ESC_RE = re.compile("[\U0010FF80-\U0010FFFF]")
ASCII_WS = " \t\f\v"
WS_RUN = re.compile("[ \t\f\v\n]+")
CODING_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
BLANK_OR_COMMENT = re.compile(rb"^[ \t\f]*(?:[#\r\n]|$)")
PROPERTY_DECOS = ("property", "cached_property", "functools.cached_property")
ACCESSOR_RE = re.compile(r"[A-Za-z_][\w.]*\.(?:setter|getter|deleter)")
CALLABLE_KINDS = ("function", "async_function", "method", "async_method", "property",
                  "classmethod", "staticmethod")


class PySyntaxError(Exception):
    def __init__(self, path, line, col):
        super().__init__("%s:%d:%d: syntax error" % (path, line, col))


def unescape_bytes(s):
    """Turn the private-use stand-ins back into the text \\xNN."""
    if s is None or not ESC_RE.search(s):
        return s
    return ESC_RE.sub(lambda m: "\\x%02X" % (ord(m.group()) - ESC_BASE), s)


def text_of_bytes(b):
    """UTF-8 bytes (a path, a name) as text, invalid bytes as \\xNN."""
    s = b.decode("utf-8", "surrogateescape")
    if any("\udc80" <= c <= "\udcff" for c in s):
        s = "".join("\\x%02X" % (ord(c) - 0xDC00) if "\udc80" <= c <= "\udcff" else c
                    for c in s)
    return s


def decode_source(data):
    """Decode a file as DESIGN 2.6 says: BOM, PEP 263 coding, CRLF/CR."""
    encoding = "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    else:
        lines = data.split(b"\n", 2)
        for i, line in enumerate(lines[:2]):
            m = CODING_RE.match(line)
            if m:
                try:
                    encoding = codecs.lookup(m.group(1).decode("ascii")).name
                except (LookupError, UnicodeDecodeError):
                    encoding = "utf-8"
                break
            if i == 0 and not BLANK_OR_COMMENT.match(line):
                break
    try:
        text = data.decode(encoding, "surrogateescape")
    except (LookupError, UnicodeError):
        text = data.decode("utf-8", "surrogateescape")
    if any("\udc80" <= c <= "\udcff" for c in text):
        text = "".join(chr(ESC_BASE + ord(c) - 0xDC00) if "\udc80" <= c <= "\udcff" else c
                       for c in text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------------------
# Expression text (DESIGN 2.1)

def skip_string(s, i):
    """Index just past the string literal whose opening quote is at s[i]."""
    q = s[i]
    n = len(s)
    if s.startswith(q * 3, i):
        j = i + 3
        while j < n:
            if s[j] == "\\":
                j += 2
                continue
            if s.startswith(q * 3, j):
                return j + 3
            j += 1
        return n
    j = i + 1
    while j < n:
        c = s[j]
        if c == "\\":
            j += 2
            continue
        if c == q or c == "\n":
            return j + 1
        j += 1
    return n


STRING_PREFIXES = ("r", "b", "f", "u", "rb", "br", "fr", "rf", "t", "tr", "rt")


def normalize_expr(s):
    """Comments removed; white space runs collapsed outside strings; no
    space inside brackets or before `)]},`; a trailing comma dropped when a
    line break separates it from its closing bracket; line breaks inside
    string literals written as the two characters \\n."""
    toks = []  # (text, white space before, line break before)
    i = 0
    n = len(s)
    ws = nl = False
    while i < n:
        c = s[i]
        if c in " \t\f\v":
            ws = True
            i += 1
        elif c == "\n":
            ws = nl = True
            i += 1
        elif c == "\\" and i + 1 < n and s[i + 1] == "\n":
            ws = nl = True
            i += 2
        elif c == "#":
            while i < n and s[i] != "\n":
                i += 1
        elif c in "'\"":
            j = skip_string(s, i)
            lit = s[i:j].replace("\n", "\\n")
            # A string prefix (r, b, f, u, ...) is glued to the literal.
            if toks and not ws and toks[-1][0].lower() in STRING_PREFIXES \
                    and not toks[-1][3]:
                prev = toks.pop()
                toks.append((prev[0] + lit, prev[1], prev[2], True))
            else:
                toks.append((lit, ws, nl, True))
            ws = nl = False
            i = j
        elif c.isalnum() or c == "_" or ord(c) > 127:
            j = i + 1
            while j < n and (s[j].isalnum() or s[j] == "_" or ord(s[j]) > 127):
                j += 1
            toks.append((s[i:j], ws, nl, False))
            ws = nl = False
            i = j
        else:
            toks.append((c, ws, nl, False))
            ws = nl = False
            i += 1
    out = []
    for k, (t, w, _, is_str) in enumerate(toks):
        if t == "," and k + 1 < len(toks) and toks[k + 1][0] in (")", "]", "}") \
                and toks[k + 1][2]:
            continue
        if w and out and not (out[-1] in ("(", "[", "{")) \
                and t not in (")", "]", "}", ","):
            out.append(" ")
        out.append(t)
    return "".join(out)


def shorten_value(v):
    """DESIGN 2.1, long values: a value longer than 80 code points is
    written as its first 64, an ellipsis, and 8 hex digits of its SHA-1."""
    if v is None or len(v) <= LONG_VALUE:
        return v
    digest = hashlib.sha1(v.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return v[:LONG_KEEP] + "\u2026 #" + digest


# ---------------------------------------------------------------------------
# PEP 695 on Python 3.11

def pep695_rewrite(text):
    """Blank out PEP 695 type parameter lists and `type` statements so that
    Python 3.11 can parse the file; columns and lines are kept. Returns
    (new text, {(line, name): tparams text}, {(line, name): tparams or None}
    for type aliases), or None when nothing was rewritten."""
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    lines = text.split("\n")
    chars = [list(line) for line in lines]
    tparams = {}
    aliases = {}

    def slice_text(a, b):
        (r1, c1), (r2, c2) = a, b
        if r1 == r2:
            return lines[r1 - 1][c1:c2]
        parts = [lines[r1 - 1][c1:]] + lines[r1:r2 - 1] + [lines[r2 - 1][:c2]]
        return "\n".join(parts)

    def blank(a, b):
        (r1, c1), (r2, c2) = a, b
        for r in range(r1, r2 + 1):
            lo = c1 if r == r1 else 0
            hi = c2 if r == r2 else len(chars[r - 1])
            for c in range(lo, hi):
                chars[r - 1][c] = " "
            if r != r2:
                # A line continuation keeps the header one logical line.
                chars[r - 1].append("\\")

    def matching(k):
        depth = 0
        while k < len(toks):
            t = toks[k]
            if t.type == tokenize.OP and t.string in "([{":
                depth += 1
            elif t.type == tokenize.OP and t.string in ")]}":
                depth -= 1
                if depth == 0:
                    return k
            k += 1
        return None

    sig = [t for t in toks if t.type not in (tokenize.COMMENT, tokenize.NL)]
    toks = sig
    changed = False
    for k, t in enumerate(toks):
        if t.type != tokenize.NAME or k + 2 >= len(toks):
            continue
        name = toks[k + 1]
        if name.type != tokenize.NAME:
            continue
        nxt = toks[k + 2]
        if t.string in ("def", "class") and nxt.type == tokenize.OP and nxt.string == "[":
            e = matching(k + 2)
            if e is None:
                continue
            inner = normalize_expr(slice_text(nxt.start, toks[e].end))
            tparams[(t.start[0], name.string)] = inner[1:-1]
            blank(nxt.start, toks[e].end)
            changed = True
        elif t.string == "type":
            prev = toks[k - 1] if k else None
            if prev is not None and not (prev.type in (tokenize.NEWLINE, tokenize.INDENT,
                                                      tokenize.DEDENT, tokenize.ENCODING)
                                         or (prev.type == tokenize.OP and prev.string == ";")):
                continue
            eq = k + 2
            tp = None
            if nxt.type == tokenize.OP and nxt.string == "[":
                e = matching(k + 2)
                if e is None:
                    continue
                tp = normalize_expr(slice_text(nxt.start, toks[e].end))[1:-1]
                eq = e + 1
            if eq >= len(toks) or toks[eq].type != tokenize.OP or toks[eq].string != "=":
                continue
            # `type X[T] = v` becomes `X        = v`: X where `type` was.
            blank(t.start, toks[eq].start)
            r, c = t.start
            for m, ch in enumerate(name.string):
                chars[r - 1][c + m] = ch
            aliases[(r, name.string)] = tp
            changed = True
    if not changed:
        return None
    return "\n".join("".join(c) for c in chars), tparams, aliases


# ---------------------------------------------------------------------------
# One file

def comment_start(t, lo, hi):
    """Index of the `#` starting a comment in the line t[lo:hi], or None."""
    i = lo
    while i < hi:
        c = t[i]
        if c in "'\"":
            i = skip_string(t, i)
            if i > hi:
                return None
            continue
        if c == "#":
            return i
        i += 1
    return None


class Source:
    """The decoded text of a file with UTF-8 byte offsets per line, to turn
    ast positions into source text."""

    def __init__(self, text):
        self.text = text
        self.lines = text.split("\n")
        self.starts = []
        pos = 0
        for line in self.lines:
            self.starts.append(pos)
            pos += len(line) + 1
        self._bytes = {}

    def offset(self, lineno, col):
        line = self.lines[lineno - 1]
        if line.isascii():
            return self.starts[lineno - 1] + col
        b = self._bytes.get(lineno)
        if b is None:
            b = self._bytes[lineno] = line.encode("utf-8", "surrogatepass")
        return self.starts[lineno - 1] + len(b[:col].decode("utf-8", "replace"))

    def span(self, node):
        return (self.offset(node.lineno, node.col_offset),
                self.offset(node.end_lineno, node.end_col_offset))

    def expand_parens(self, start, end, floor=-1):
        """Widen [start, end) over grouping parentheses around it: ast
        positions leave them out, the source text has them."""
        t = self.text
        while True:
            i = start - 1
            while i >= 0:
                if t[i] in " \t\f\v" or (t[i] == "\\" and t[i + 1:i + 2] == "\n"):
                    i -= 1
                elif t[i] == "\n":
                    # The line ending here may end with a comment.
                    cut = comment_start(t, t.rfind("\n", 0, i) + 1, i)
                    i = (cut if cut is not None else i) - 1
                else:
                    break
            j = end
            while j < len(t):
                if t[j] in " \t\f\v\n\\":
                    j += 1
                elif t[j] == "#":
                    while j < len(t) and t[j] != "\n":
                        j += 1
                else:
                    break
            if i >= 0 and i != floor and t[i] == "(" and j < len(t) and t[j] == ")":
                start, end = i, j + 1
            else:
                return start, end

    def expr(self, node, floor=-1):
        start, end = self.expand_parens(*self.span(node), floor=floor)
        return unescape_bytes(normalize_expr(self.text[start:end]))


def docstring_of(src, body):
    """DESIGN 2.1: the first paragraph of a leading string literal, as
    written, stripped, inner white space collapsed, cut at 160."""
    if not body or not isinstance(body[0], ast.Expr):
        return None
    v = body[0].value
    if not (isinstance(v, ast.Constant) and isinstance(v.value, str)):
        return None
    start, end = src.span(v)
    if src.text[src.span(body[0])[0]] == "(":
        return None  # a parenthesised literal is an expression, not a docstring
    raw = src.text[start:end]
    # Implicitly concatenated literals are one literal: join their bodies.
    content = ""
    i = 0
    while i < len(raw):
        c = raw[i]
        if c in "'\"":
            j = skip_string(raw, i)
            ql = 3 if raw.startswith(c * 3, i) else 1
            content += raw[i + ql:j - ql]
            i = j
        elif c == "#":
            while i < len(raw) and raw[i] != "\n":
                i += 1
        else:
            i += 1
    para = []
    for line in content.split("\n"):
        blank = not line.strip(ASCII_WS)
        if blank and para:
            break
        if not blank:
            para.append(line)
    if not para:
        return None
    s = unescape_bytes(WS_RUN.sub(" ", "\n".join(para).strip(ASCII_WS + "\n")))
    if len(s) > DOC_MAX:
        s = s[:DOC_MAX - 1] + "\u2026"
    return s


def symbol(kind, name, **kw):
    sym = {"kind": kind, "name": name, "decorators": [], "type_params": None,
           "params": None, "returns": None, "bases": None, "annotation": None,
           "value": None, "doc": None}
    sym.update(kw)
    return sym


def method_kind(decorators, is_async):
    for d in decorators:
        if d in PROPERTY_DECOS or ACCESSOR_RE.fullmatch(d):
            return "property"
        if d == "classmethod":
            return "classmethod"
        if d == "staticmethod":
            return "staticmethod"
    return "async_method" if is_async else "method"


def params_of(src, args):
    out = []
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)

    def one(a, kind, default):
        return {"name": a.arg, "kind": kind,
                "annotation": src.expr(a.annotation) if a.annotation else None,
                "default": src.expr(default) if default is not None else None}

    for k, a in enumerate(positional):
        kind = "positional_only" if k < len(args.posonlyargs) else "positional_or_keyword"
        out.append(one(a, kind, defaults[k]))
    if args.vararg:
        out.append(one(args.vararg, "var_positional", None))
    for a, d in zip(args.kwonlyargs, args.kw_defaults):
        out.append(one(a, "keyword_only", d))
    if args.kwarg:
        out.append(one(args.kwarg, "var_keyword", None))
    return out


class FileModel:
    def __init__(self, path):
        self.path = path        # repository-relative, text
        self.doc = None
        self.symbols = []       # tree: dicts with "_members" for classes
        self.all_names = None   # literal __all__, or None


def target_names(t):
    """Plain names bound by a target, through (nested) tuple and list
    targets and starred names."""
    if isinstance(t, ast.Name):
        return [t.id]
    if isinstance(t, ast.Starred):
        return target_names(t.value)
    if isinstance(t, (ast.Tuple, ast.List)):
        return [n for e in t.elts for n in target_names(e)]
    return []


def self_attrs(t, selfname):
    """Names X of the `self.X` targets in a target."""
    if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) \
            and t.value.id == selfname:
        return [t.attr]
    if isinstance(t, ast.Starred):
        return self_attrs(t.value, selfname)
    if isinstance(t, (ast.Tuple, ast.List)):
        return [n for e in t.elts for n in self_attrs(e, selfname)]
    return []


def literal_names(v):
    if isinstance(v, (ast.List, ast.Tuple)) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in v.elts):
        return [e.value for e in v.elts]
    return None


def blocks_of(st):
    """The statement lists nested in a compound statement (DESIGN 2.1:
    if, try, with, for, while, match), or [] for any other statement."""
    if isinstance(st, (ast.If, ast.For, ast.AsyncFor, ast.While)):
        return [st.body, st.orelse]
    if isinstance(st, (ast.Try, getattr(ast, "TryStar", ast.Try))):
        return [st.body] + [h.body for h in st.handlers] + [st.orelse, st.finalbody]
    if isinstance(st, (ast.With, ast.AsyncWith)):
        return [st.body]
    if isinstance(st, ast.Match):
        return [c.body for c in st.cases]
    return []


class Extractor:
    def __init__(self, src, tparams, aliases):
        self.src = src
        self.tparams = tparams    # (line, name) -> PEP 695 text of def/class
        self.aliases = aliases    # (line, name) -> type params of `type` statements

    def value_of(self, node):
        return self.src.expr(node) if node is not None else None

    def collect(self, stmts, in_class, out):
        """Definitions of a module or class body, through compound statements."""
        src = self.src
        for st in stmts:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
                decos = [src.expr(d) for d in st.decorator_list]
                is_async = isinstance(st, ast.AsyncFunctionDef)
                if in_class:
                    kind = method_kind(decos, is_async)
                else:
                    kind = "async_function" if is_async else "function"
                out.append(symbol(kind, st.name, decorators=["@" + d for d in decos],
                                  type_params=self.tparams.get((st.lineno, st.name)),
                                  params=params_of(src, st.args),
                                  returns=src.expr(st.returns) if st.returns else None,
                                  doc=docstring_of(src, st.body), _async=is_async,
                                  _node=st))
            elif isinstance(st, ast.ClassDef):
                decos = [src.expr(d) for d in st.decorator_list]
                floor = -1
                hs = src.offset(st.lineno, st.col_offset)
                # The class's own parenthesis: the first '(' after its name
                # (and after its blanked-out type parameters).
                m = re.compile(r"class\s+" + re.escape(st.name) + r"\s*").match(src.text, hs)
                k = m.end() if m else len(src.text)
                if src.text[k:k + 1] == "[":
                    depth = 0
                    while k < len(src.text):
                        depth += {"[": 1, "]": -1}.get(src.text[k], 0)
                        k += 1
                        if depth == 0:
                            break
                    while k < len(src.text) and src.text[k] in " \t\f\n\\":
                        k += 1
                if src.text[k:k + 1] == "(":
                    floor = k
                items = []
                for b in st.bases:
                    items.append((src.span(b)[0], src.expr(b, floor)))
                for kw in st.keywords:
                    if kw.arg is None:
                        items.append((src.span(kw)[0], "**" + src.expr(kw.value, floor)))
                    else:
                        items.append((src.span(kw)[0], kw.arg + "=" + src.expr(kw.value, floor)))
                items.sort(key=lambda x: x[0])
                members = []
                self.collect(st.body, True, members)
                self.instance_attributes(members)
                out.append(symbol("class", st.name, decorators=["@" + d for d in decos],
                                  type_params=self.tparams.get((st.lineno, st.name)),
                                  bases=[b for _, b in items], doc=docstring_of(src, st.body),
                                  _members=members))
            elif isinstance(st, ast.Assign):
                if len(st.targets) == 1 and isinstance(st.targets[0], ast.Name) \
                        and (st.lineno, st.targets[0].id) in self.aliases:
                    name = st.targets[0].id
                    out.append(symbol("type_alias", name,
                                      type_params=self.aliases[(st.lineno, name)],
                                      value=self.value_of(st.value)))
                    continue
                value = None
                for t in st.targets:
                    plain = isinstance(t, ast.Name)
                    for name in target_names(t):
                        if name == "__all__":
                            continue
                        if plain and value is None:
                            value = self.value_of(st.value)
                        out.append(symbol("variable", name, value=value if plain else None))
            elif isinstance(st, ast.AnnAssign):
                if isinstance(st.target, ast.Name) and st.target.id != "__all__":
                    out.append(symbol("variable", st.target.id,
                                      annotation=src.expr(st.annotation),
                                      value=self.value_of(st.value)))
            else:
                for block in blocks_of(st):
                    self.collect(block, in_class, out)

    def instance_attributes(self, members):
        """DESIGN 2.1, kind attribute: self.X assigned in every __init__ of
        the class, once per name (first assignment), unless the class has a
        variable or callable of that name."""
        taken = {m["name"] for m in members
                 if m["kind"] == "variable" or m["kind"] in CALLABLE_KINDS}
        seen = set()
        found = []
        for m in list(members):
            if m["kind"] not in CALLABLE_KINDS or m["name"] != "__init__":
                continue
            node = m["_node"]
            first = (node.args.posonlyargs + node.args.args)[:1]
            if not first:
                continue
            self.walk_init(node.body, first[0].arg, found)
        for sym in found:
            if sym["name"] in taken or sym["name"] in seen:
                continue
            seen.add(sym["name"])
            members.append(sym)

    def walk_init(self, stmts, selfname, found):
        for st in stmts:
            if isinstance(st, ast.Assign):
                value = None
                for t in st.targets:
                    single = isinstance(t, ast.Attribute)
                    for name in self_attrs(t, selfname):
                        if single and value is None:
                            value = self.value_of(st.value)
                        found.append(symbol("attribute", name, value=value if single else None))
            elif isinstance(st, ast.AnnAssign):
                for name in self_attrs(st.target, selfname):
                    found.append(symbol("attribute", name, annotation=self.src.expr(st.annotation),
                                        value=self.value_of(st.value)))
            else:
                for block in blocks_of(st):
                    self.walk_init(block, selfname, found)


def collect_all(stmts, state):
    """DESIGN 2.3: __all__ from literals, optionally extended; any other
    top-level assignment to it disables the rule."""
    for st in stmts:
        if isinstance(st, ast.Assign):
            hit = False
            for t in st.targets:
                if isinstance(t, ast.Name) and t.id == "__all__":
                    hit = True
                elif "__all__" in target_names(t):
                    state["bad"] = True
            if hit and len(st.targets) > 1:
                state["bad"] = True
            elif hit:
                names = literal_names(st.value)
                if names is None:
                    state["bad"] = True
                else:
                    state["names"].extend(names)
                    state["seen"] = True
        elif isinstance(st, ast.AnnAssign):
            if isinstance(st.target, ast.Name) and st.target.id == "__all__" and st.value:
                names = literal_names(st.value)
                if names is None:
                    state["bad"] = True
                else:
                    state["names"].extend(names)
                    state["seen"] = True
        elif isinstance(st, ast.AugAssign):
            if isinstance(st.target, ast.Name) and st.target.id == "__all__":
                names = literal_names(st.value) if isinstance(st.op, ast.Add) else None
                if names is None:
                    state["bad"] = True
                else:
                    state["names"].extend(names)
                    state["seen"] = True
        elif isinstance(st, ast.Expr) and isinstance(st.value, ast.Call):
            f = st.value.func
            if isinstance(f, ast.Attribute) and f.attr in ("extend", "append") \
                    and isinstance(f.value, ast.Name) and f.value.id == "__all__":
                call = st.value
                names = None
                if len(call.args) == 1 and not call.keywords:
                    if f.attr == "extend":
                        names = literal_names(call.args[0])
                    elif isinstance(call.args[0], ast.Constant) \
                            and isinstance(call.args[0].value, str):
                        names = [call.args[0].value]
                if names is None:
                    state["bad"] = True
                else:
                    state["names"].extend(names)
                    state["seen"] = True
        else:
            for block in blocks_of(st):
                collect_all(block, state)


def syntax_position(text, exc):
    line = getattr(exc, "lineno", None) or 1
    col = getattr(exc, "offset", None) or 1
    if "\0" in text and isinstance(exc, (ValueError,)) or "null byte" in str(exc):
        k = text.find("\0")
        if k >= 0:
            line = text.count("\n", 0, k) + 1
            col = k - (text.rfind("\n", 0, k) + 1) + 1
    return line, col


def parse_file(path, data):
    """The model of one file. Raises PySyntaxError."""
    text = decode_source(data)
    tparams, aliases = {}, {}
    try:
        tree = ast.parse(text, path)
    except (SyntaxError, ValueError) as e:
        rw = pep695_rewrite(text) if "\0" not in text else None
        if rw is None:
            raise PySyntaxError(path, *syntax_position(text, e))
        try:
            tree = ast.parse(rw[0], path)
        except (SyntaxError, ValueError):
            raise PySyntaxError(path, *syntax_position(text, e))
        tparams, aliases = rw[1], rw[2]
    except RecursionError:
        raise PySyntaxError(path, 1, 1)
    src = Source(text)
    mod = FileModel(path)
    mod.doc = docstring_of(src, tree.body)
    Extractor(src, tparams, aliases).collect(tree.body, False, mod.symbols)
    state = {"names": [], "seen": False, "bad": False}
    collect_all(tree.body, state)
    if state["seen"] and not state["bad"]:
        mod.all_names = state["names"]
    return mod


# ---------------------------------------------------------------------------
# Order and public names (DESIGN 2.2, 2.3)

TOP_GROUP = {"variable": 0, "type_alias": 1, "function": 2, "async_function": 2,
             "class": 3}
MEMBER_GROUP = {"variable": 0, "type_alias": 1, "attribute": 2, "method": 3,
                "async_method": 3, "property": 3, "classmethod": 3, "staticmethod": 3,
                "function": 3, "async_function": 3, "class": 4}


def is_dunder(name):
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def ordered(symbols, in_class):
    """Stable sorts: same-named definitions keep their source order, and
    class variables keep theirs entirely."""
    if not in_class:
        return sorted(symbols, key=lambda s: (TOP_GROUP[s["kind"]], s["name"].encode("utf-8")))
    return sorted(symbols, key=lambda s: (MEMBER_GROUP[s["kind"]],
                                          b"" if s["kind"] == "variable"
                                          else s["name"].encode("utf-8")))


def flatten(mod, public_only):
    """Contract order, each class directly followed by its members, nested
    classes after the members. Returns (symbol, qualified name, parent
    qualified name or None) triples."""
    out = []
    all_set = set(mod.all_names) if mod.all_names is not None else None

    def top_public(name):
        if all_set is not None:
            return name in all_set
        return not name.startswith("_")

    def walk_class(cls, qual, pub):
        members = ordered(cls["_members"], True)
        nested = [m for m in members if m["kind"] == "class"]
        for m in members:
            if m["kind"] == "class":
                continue
            mpub = pub and (not m["name"].startswith("_") or is_dunder(m["name"]))
            if mpub or not public_only:
                out.append((m, qual + "." + m["name"], qual))
        for c in nested:
            cpub = pub and (not c["name"].startswith("_") or is_dunder(c["name"]))
            if cpub or not public_only:
                cq = qual + "." + c["name"]
                out.append((c, cq, None))
                walk_class(c, cq, cpub)

    for s in ordered(mod.symbols, False):
        pub = top_public(s["name"])
        if public_only and not pub:
            continue
        out.append((s, s["name"], None))
        if s["kind"] == "class":
            walk_class(s, s["name"], pub)
    return out


# ---------------------------------------------------------------------------
# Rendering (DESIGN 2.4, 2.5)

def code_span(text):
    if "`" not in text:
        return "`" + text + "`"
    longest = max(len(r) for r in re.findall("`+", text))
    fence = "`" * (longest + 1)
    return fence + " " + text + " " + fence


def render_params(params):
    parts = []
    seen_star = any(p["kind"] == "var_positional" for p in params)
    for k, p in enumerate(params):
        if p["kind"] == "keyword_only" and not seen_star:
            parts.append("*")
            seen_star = True
        name = p["name"]
        if p["kind"] == "var_positional":
            name = "*" + name
        elif p["kind"] == "var_keyword":
            name = "**" + name
        if p["annotation"] is not None:
            name += ": " + p["annotation"]
            if p["default"] is not None:
                name += " = " + p["default"]
        elif p["default"] is not None:
            name += "=" + p["default"]
        parts.append(name)
        if p["kind"] == "positional_only" and (k + 1 == len(params)
                                               or params[k + 1]["kind"] != "positional_only"):
            parts.append("/")
    return ", ".join(parts)


def span_text(sym, name):
    head = "".join(d + " " for d in sym["decorators"])
    kind = sym["kind"]
    tp = "[" + sym["type_params"] + "]" if sym["type_params"] is not None else ""
    if kind in ("variable", "attribute"):
        text = head + ("self." if kind == "attribute" else "") + name
        if sym["annotation"] is not None:
            text += ": " + sym["annotation"]
        if sym["value"] is not None:
            text += " = " + shorten_value(sym["value"])
        return text
    if kind == "type_alias":
        return head + "type " + name + tp + " = " + shorten_value(sym["value"])
    if kind == "class":
        if sym["bases"]:
            return head + "class " + name + tp + "(" + ", ".join(sym["bases"]) + ")"
        return head + "class " + name + tp
    prefix = "async def " if sym.get("_async") else "def "
    text = head + prefix + name + tp + "(" + render_params(sym["params"]) + ")"
    if sym["returns"] is not None:
        text += " -> " + sym["returns"]
    return text


def exports_of(init, variant):
    if variant == "tests" or init is None or init.all_names is None:
        return []
    return sorted(set(init.all_names), key=lambda s: s.encode("utf-8"))


def render_markdown(module, variant, init, files):
    blocks = [["# %s \u2014 %s contract" % (code_span(module), variant)], [COMMENT]]
    exports = exports_of(init, variant)
    if exports:
        blocks.append(["## Exports"])
        blocks.append(["- " + code_span(e) for e in exports])
    for mod in files:
        blocks.append(["## " + code_span(mod.path)])
        if mod.doc:
            blocks.append([mod.doc])
        flat = flatten(mod, variant == "public")
        top = [t for t in flat if t[2] is None]
        for title, kinds in (("Variables", ("variable",)), ("Type aliases", ("type_alias",)),
                             ("Functions", ("function", "async_function"))):
            items = [s for s, q, _ in top if s["kind"] in kinds and "." not in q]
            if items:
                blocks.append(["### " + title])
                lines = []
                for s in items:
                    lines.append("- " + code_span(span_text(s, s["name"])))
                    if s["doc"]:
                        lines.append("  " + s["doc"])
                blocks.append(lines)
        classes = [(s, q) for s, q, parent in flat if s["kind"] == "class" and parent is None]
        if classes:
            blocks.append(["### Classes"])
            for cls, qual in classes:
                blocks.append(["#### " + code_span(span_text(cls, qual))])
                if cls["doc"]:
                    blocks.append([cls["doc"]])
                lines = []
                for s, q, parent in flat:
                    if parent == qual:
                        lines.append("- " + code_span(span_text(s, s["name"])))
                        if s["doc"]:
                            lines.append("  " + s["doc"])
                if lines:
                    blocks.append(lines)
    out = []
    for k, b in enumerate(blocks):
        if k:
            out.append("")
        out.extend(b)
    return "\n".join(out) + "\n"


def render_json(package, module, variant, init, files):
    jfiles = []
    for mod in files:
        syms = []
        for s, qual, _ in flatten(mod, variant == "public"):
            d = {k: v for k, v in s.items() if not k.startswith("_")}
            d["name"] = qual
            syms.append(d)
        jfiles.append({"path": mod.path, "doc": mod.doc, "symbols": syms})
    return {"package": package, "module": module, "variant": variant,
            "exports": exports_of(init, variant), "files": jfiles}


# ---------------------------------------------------------------------------
# Packages on disk (DESIGN 1)

def is_regular(path):
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def ignored_dir(name):
    return name.startswith(b".") or name.decode("utf-8", "replace") in IGNORED_DIRS


def is_test_file(relpath):
    """A test file by its basename; a stub is one when its .py would be."""
    base = relpath.rsplit(b"/", 1)[-1].decode("utf-8", "surrogateescape")
    if base.endswith(".pyi"):
        base = base[:-1]
    return any(fnmatch.fnmatchcase(base, p) for p in TEST_PATTERNS)


def is_package_dir(path):
    return is_regular(path + b"/__init__.py") or is_regular(path + b"/__init__.pyi")


class Repo:
    def __init__(self, root):
        self.root = os.fsencode(root).rstrip(b"/") or b"/"
        self.packages = None

    def abs(self, rel):
        return self.root + b"/" + rel if rel else self.root

    def is_package(self, rel):
        return bool(rel) and is_package_dir(self.abs(rel))

    def scan(self):
        """Every package (relative path bytes), sorted byte-wise."""
        if self.packages is None:
            pkgs = []
            for dirpath, dirnames, _ in os.walk(self.root):
                dirnames[:] = sorted(d for d in dirnames if not ignored_dir(d)
                                     and not os.path.islink(os.path.join(dirpath, d)))
                rel = os.path.relpath(dirpath, self.root)
                rel = b"" if rel == b"." else rel
                if self.is_package(rel):
                    pkgs.append(rel)
            self.packages = sorted(pkgs)
        return self.packages

    def is_leaf(self, rel):
        prefix = rel + b"/"
        return not any(p.startswith(prefix) for p in self.scan())

    def module_name(self, rel):
        parts = rel.split(b"/")
        k = len(parts)
        while k > 1 and self.is_package(b"/".join(parts[:k - 1])):
            k -= 1
        return text_of_bytes(b".".join(parts[k - 1:]))

    def files(self, rel):
        """The *.py and *.pyi regular files of the package, sorted by path."""
        out = []
        base = self.abs(rel)
        for dirpath, dirnames, filenames in os.walk(base):
            keep = []
            for d in dirnames:
                full = os.path.join(dirpath, d)
                if ignored_dir(d) or os.path.islink(full) or is_package_dir(full):
                    continue
                keep.append(d)
            dirnames[:] = keep
            for f in filenames:
                full = os.path.join(dirpath, f)
                if (f.endswith(b".py") or f.endswith(b".pyi")) and is_regular(full):
                    out.append(os.path.relpath(full, self.root))
        return sorted(out)


class Generator:
    """Parses each file once and renders any variant of any package."""

    def __init__(self, repo):
        self.repo = repo
        self.models = {}

    def model(self, rel):
        m = self.models.get(rel)
        if m is None:
            with open(self.repo.abs(rel), "rb") as f:
                data = f.read()
            m = self.models[rel] = parse_file(text_of_bytes(rel), data)
        return m

    def init_file(self, pkg):
        """The file whose __all__ gives the Exports: __init__.py, else
        __init__.pyi; None when neither exists."""
        for name in (b"/__init__.py", b"/__init__.pyi"):
            if is_regular(self.repo.abs(pkg + name)):
                return pkg + name
        return None

    def selected(self, pkg, variant):
        return [rel for rel in self.repo.files(pkg)
                if is_test_file(rel) == (variant == "tests")]

    def select(self, pkg, variant):
        files = self.selected(pkg, variant)
        init_rel = self.init_file(pkg)
        init = self.model(init_rel) if init_rel is not None and variant != "tests" else None
        return init, [self.model(r) for r in files]

    def contract(self, pkg, variant, module=None, as_json=False):
        if module is None:
            module = self.repo.module_name(pkg)
        init, files = self.select(pkg, variant)
        if as_json:
            return json.dumps(render_json(text_of_bytes(pkg), module, variant, init, files),
                              ensure_ascii=False, indent=2) + "\n"
        return render_markdown(module, variant, init, files)


def write_out(s):
    sys.stdout.buffer.write(s.encode("utf-8", "surrogatepass"))


def main(argv):
    ap = argparse.ArgumentParser(prog="astgen.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--variant", default="public")
    ap.add_argument("--module")
    ap.add_argument("--batch", action="store_true")
    ap.add_argument("--leaves", action="store_true")
    ap.add_argument("--packages", action="store_true")
    ap.add_argument("args", nargs="*")
    try:
        opts = ap.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code else 0
    variant = {"api": "public", "implementation": "all"}.get(opts.variant, opts.variant)
    if variant not in VARIANTS:
        print("astgen.py: unknown variant '%s'" % opts.variant, file=sys.stderr)
        return 2
    sys.setrecursionlimit(20000)
    try:
        if opts.packages:
            if len(opts.args) != 1:
                ap.print_usage(sys.stderr)
                return 2
            repo = Repo(opts.args[0])
            for p in repo.scan():
                write_out("%s\t%s\t%s\n" % (text_of_bytes(p), repo.module_name(p),
                                            "leaf" if repo.is_leaf(p) else "node"))
            return 0
        if len(opts.args) != 2:
            ap.print_usage(sys.stderr)
            return 2
        repo = Repo(opts.args[0])
        gen = Generator(repo)
        if opts.batch:
            outdir = os.fsencode(opts.args[1])
            status = 0
            for pkg in repo.scan():
                if opts.leaves and not repo.is_leaf(pkg):
                    continue
                for v in VARIANTS:
                    try:
                        text = gen.contract(pkg, v, as_json=opts.json)
                    except PySyntaxError as e:
                        print(e, file=sys.stderr)
                        status = 3
                        break
                    d = os.path.join(outdir, pkg)
                    os.makedirs(d, exist_ok=True)
                    with open(os.path.join(d, v.encode() + (b".json" if opts.json else b".md")),
                              "wb") as f:
                        f.write(text.encode("utf-8", "surrogatepass"))
            return status
        pkg = os.fsencode(opts.args[1]).strip(b"/")
        if pkg.startswith(b"./"):
            pkg = pkg[2:]
        if not repo.is_package(pkg):
            print("astgen.py: '%s' is not a package" % text_of_bytes(pkg), file=sys.stderr)
            return 3
        write_out(gen.contract(pkg, variant, opts.module, opts.json))
        return 0
    except PySyntaxError as e:
        print(e, file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
