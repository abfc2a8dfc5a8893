"""Golden cases for make_golden.py (see its docstring for the conventions)."""
import mxnet as mx

sym = mx.sym
V = sym.Variable


def cases(case):
    pass
