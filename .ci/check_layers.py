#!/usr/bin/env python3
"""Checks the include structure of include/symgrad (DESIGN.md's layers):

* every #include of a symgrad header points down the layers (or within the folder);
* includes come first in a file, before any declaration;
* public headers never include implementation files (*-inl.hpp); only the entry headers do,
  in header-only mode, through the folders' all-inl.hpp lists;
* every implementation file that defines something (a `SYMGRAD_UNIT_<FOLDER>_<FILE>` guard)
  names its own unit, is compiled by exactly one file of src/ that defines that unit, and is in
  its folder's all-inl list (or io/image_all-inl.hpp), which an entry header includes.

usage: check_layers.py [REPO_ROOT]    exit status 1 with one line per problem."""
import os
import re
import sys

root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
inc_root = os.path.join(root, 'include', 'symgrad')
src_root = os.path.join(root, 'src')

# What each folder may include besides itself. The entry headers (include/symgrad/*.hpp) may
# include anything; nothing but examples, tools, tests and bench includes train/.
LAYERS = {
    'core': [],
    'cpu': ['core'],
    'cuda': ['core'],
    'ndarray': ['core', 'cuda'],
    'symbol': ['core'],
    'ops': ['core', 'cpu', 'cuda', 'ndarray', 'symbol'],
    'exec': ['core', 'cpu', 'cuda', 'ndarray', 'symbol', 'ops'],
    'rnn': ['core', 'ndarray', 'symbol', 'ops'],
    'io': ['core', 'cpu', 'ndarray'],
    'opt': ['core', 'cuda', 'ndarray'],
    'kv': ['core', 'cuda', 'ndarray', 'opt'],
    'train': ['core', 'cpu', 'cuda', 'ndarray', 'symbol', 'ops', 'exec', 'io', 'opt', 'kv'],
    'viz': ['core', 'symbol'],
}

problems = []


def rel(p):
    return os.path.relpath(p, inc_root)


def code_lines(text):
    """(line number, stripped line) of lines outside comments; a directive continued with a
    backslash counts as one line."""
    out = []
    in_block = False
    continued = False
    for n, line in enumerate(text.split('\n'), 1):
        if continued:
            continued = line.rstrip().endswith('\\')
            continue
        if line.lstrip().startswith('#') and line.rstrip().endswith('\\'):
            continued = True
        s = line
        if in_block:
            if '*/' in s:
                s = s[s.index('*/') + 2:]
                in_block = False
            else:
                continue
        s = re.sub(r'//.*', '', s)
        while '/*' in s:
            a = s.index('/*')
            if '*/' in s[a:]:
                s = s[:a] + s[s.index('*/', a) + 2:]
            else:
                s = s[:a]
                in_block = True
        if s.strip():
            out.append((n, s.strip()))
    return out


headers = []
for d, _, files in os.walk(inc_root):
    for f in files:
        if f.endswith('.hpp'):
            headers.append(os.path.join(d, f))
headers.sort()

entry_includes = {}  # entry header -> includes
for path in headers:
    r = rel(path)
    text = open(path).read()
    folder = r.split('/')[0] if '/' in r else None
    is_inl = r.endswith('-inl.hpp')
    lines = code_lines(text)
    forwarding = all(l.startswith('#') for _, l in lines)  # only directives: an entry or a moved header
    seen_code = False
    for n, l in lines:
        m = re.match(r'#\s*include\s*[<"]([^>"]+)[>"]', l)
        if not m:
            if not l.startswith('#'):
                seen_code = True
            continue
        if seen_code:
            problems.append('%s:%d: #include after code (includes go at the top): %s' % (r, n, l))
        target = m.group(1)
        if l.split()[1].startswith('"'):
            tpath = os.path.normpath(os.path.join(os.path.dirname(path), target))
        elif target.startswith('symgrad/'):
            tpath = os.path.join(inc_root, target[len('symgrad/'):])
        else:
            continue  # a system or third-party header
        if not tpath.startswith(inc_root):
            problems.append('%s:%d: includes %s outside include/symgrad' % (r, n, target))
            continue
        t = rel(tpath)
        if t == 'build_config.hpp':
            continue
        if not os.path.exists(tpath):
            problems.append('%s:%d: includes %s, which does not exist' % (r, n, t))
            continue
        tfolder = t.split('/')[0] if '/' in t else None
        if folder is None:
            entry_includes.setdefault(r, []).append(t)
            continue
        if t.endswith('-inl.hpp') and not is_inl:
            problems.append('%s:%d: a public header includes the implementation file %s' % (r, n, t))
        if forwarding and not is_inl:
            continue  # a header that moved: it forwards to the new place
        if tfolder is None:
            problems.append('%s:%d: includes the entry header %s (entry headers are for users)' % (r, n, t))
        elif tfolder != folder and tfolder not in LAYERS.get(folder, []):
            problems.append('%s:%d: %s/ may not include %s/ (%s): includes point down the layers' %
                            (r, n, folder, tfolder, t))

# implementation units
units = {}
for f in sorted(os.listdir(src_root)):
    if not f.endswith('.cpp'):
        continue
    text = open(os.path.join(src_root, f)).read()
    for u in re.findall(r'#define (SYMGRAD_UNIT_\w+)', text):
        units.setdefault(u, []).append(f)

all_lists = {}
for path in headers:
    r = rel(path)
    if r.endswith('all-inl.hpp'):
        all_lists[r] = set(os.path.normpath(os.path.join(os.path.dirname(r), t))
                           for t in re.findall(r'#include "([^"]+)"', open(path).read()))
listed = set().union(*all_lists.values()) if all_lists else set()
entry_listed = set()
for e, ts in entry_includes.items():
    for t in ts:
        if t.endswith('all-inl.hpp'):
            entry_listed.add(t)
        elif t.endswith('-inl.hpp'):
            listed.add(t)  # an entry header includes it directly (kv/mpi_store-inl.hpp)
for lst in all_lists:
    if lst not in entry_listed:
        problems.append('%s: no entry header includes it in header-only mode' % lst)

for path in headers:
    r = rel(path)
    if not r.endswith('-inl.hpp') or r.endswith('all-inl.hpp'):
        continue
    text = open(path).read()
    folder, fname = r.split('/')
    own = 'SYMGRAD_UNIT_%s_%s' % (folder.upper(), fname[:-len('-inl.hpp')].upper())
    guards = set(re.findall(r'SYMGRAD_UNIT_\w+', text))
    if not guards:
        continue  # classes and kernels only: nothing to compile once
    for g in guards - {own}:
        problems.append('%s: guards definitions with %s; its unit is %s' % (r, g, own))
    if own in guards:
        if own not in units:
            problems.append('%s: no file of src/ defines %s, so its definitions are never compiled' % (r, own))
        elif len(units[own]) > 1:
            problems.append('%s: %s is defined by several files of src/: %s' % (r, own, ', '.join(units[own])))
        if r not in listed:
            problems.append('%s: not in an all-inl.hpp list, so header-only mode misses it' % r)
for u, fs in units.items():
    folder_file = u[len('SYMGRAD_UNIT_'):].lower()
    if not any(os.path.exists(os.path.join(inc_root, folder_file.split('_', 1)[0], folder_file.split('_', 1)[1] + '-inl.hpp'))
               for _ in [0]):
        problems.append('src/%s: defines %s, which names no implementation file' % (fs[0], u))

for p in problems:
    print(p)
print('check_layers: %d headers, %d units, %s' % (len(headers), len(units), 'ok' if not problems else '%d problems' % len(problems)))
sys.exit(1 if problems else 0)
