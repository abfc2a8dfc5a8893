"""RecordIO files moving both ways between MXNet 1.9.1 and symgrad.

1. MXNet -> symgrad: writes tests/data/recordio/mx_plain.rec with mx.recordio.MXRecordIO and
   mx_indexed.rec + mx_indexed.idx with MXIndexedRecordIO. The records are made by records()
   below; tests/test_recordio.cpp makes the same records, reads MXNet's files and compares, and
   writes its own files the same way and compares them byte for byte with MXNet's.
2. symgrad -> MXNet: reads sg_plain.rec, sg_indexed.rec/.idx (written by symgrad: run the train
   tests with SYMGRAD_WRITE_FIXTURES=1) with mx.recordio and checks every record and every
   unpacked IRHeader; writes the result to sg_mxnet_check.json, which the test suite checks.

usage: /path/to/venv/bin/python make_recordio_golden.py tests/data/recordio
"""
import json
import os
import struct
import sys

import mxnet as mx
import numpy as np

MAGIC = struct.pack("<I", 0xCED7230A)


def pattern(n, seed):
    return bytes(((seed * 31 + j * 7 + (j >> 3)) & 0xFF) for j in range(n))


def records():
    """The records both sides write: plain payloads that exercise the part splitting, then image
    records with a scalar label and with a label array."""
    out = [
        b"",
        b"a",
        pattern(7, 2),
        MAGIC,                                          # the magic word alone: two empty parts
        pattern(4, 4) + MAGIC + MAGIC + MAGIC + pattern(5, 4),  # three cuts in a row
        pattern(2, 5) + MAGIC + pattern(6, 5),          # magic at an unaligned offset: no cut
        pattern(996, 6) + MAGIC,                        # magic as the last word
        pattern(1001, 7),
    ]
    out.append(mx.recordio.pack(mx.recordio.IRHeader(0, 3.5, 7, 0), b"image-bytes"))
    out.append(mx.recordio.pack(mx.recordio.IRHeader(0, [1.0, 2.0, 3.25], 8, 42), pattern(33, 9)))
    out.append(mx.recordio.pack(mx.recordio.IRHeader(0, [5.0], 2**40 + 3, 2**63 + 5), MAGIC + pattern(8, 10)))
    return out


KEYS = [10, 3, 7, 100, 0, 55, 4, 9, 1, 2, 12345678901]


def write_mx(out):
    recs = records()
    w = mx.recordio.MXRecordIO(os.path.join(out, "mx_plain.rec"), "w")
    for r in recs:
        w.write(r)
    w.close()
    w = mx.recordio.MXIndexedRecordIO(os.path.join(out, "mx_indexed.idx"), os.path.join(out, "mx_indexed.rec"), "w")
    for k, r in zip(KEYS, recs):
        w.write_idx(k, r)
    w.close()


def check_sg(out):
    recs = records()
    problems = []
    plain = os.path.join(out, "sg_plain.rec")
    if not os.path.exists(plain):
        return {"ok": False, "problems": ["sg_plain.rec missing: run the train tests with SYMGRAD_WRITE_FIXTURES=1"]}
    r = mx.recordio.MXRecordIO(plain, "r")
    got = []
    while True:
        s = r.read()
        if s is None:
            break
        got.append(s)
    r.close()
    if got != recs:
        problems.append("sg_plain.rec: %d records read, %d expected, equal=%s" % (len(got), len(recs), got == recs))
    r = mx.recordio.MXIndexedRecordIO(os.path.join(out, "sg_indexed.idx"), os.path.join(out, "sg_indexed.rec"), "r")
    if list(r.keys) != KEYS:
        problems.append("sg_indexed.idx keys %s" % r.keys)
    for k, want in reversed(list(zip(KEYS, recs))):
        if r.read_idx(k) != want:
            problems.append("sg_indexed.rec key %d differs" % k)
    # IRHeaders of the image records, as MXNet unpacks them
    headers = []
    for s in got[8:]:
        h, payload = mx.recordio.unpack(s)
        label = h.label.tolist() if isinstance(h.label, np.ndarray) else float(h.label)
        headers.append({"flag": int(h.flag), "label": label, "id": int(h.id), "id2": int(h.id2), "payload_bytes": len(payload)})
    want_headers = [
        {"flag": 0, "label": 3.5, "id": 7, "id2": 0, "payload_bytes": 11},
        {"flag": 3, "label": [1.0, 2.0, 3.25], "id": 8, "id2": 42, "payload_bytes": 33},
        {"flag": 1, "label": [5.0], "id": 2**40 + 3, "id2": 2**63 + 5, "payload_bytes": 12},
    ]
    if headers != want_headers:
        problems.append("unpacked headers %s" % headers)
    return {"ok": not problems, "problems": problems, "records": len(got), "headers": headers}


if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    write_mx(out)
    result = check_sg(out)
    with open(os.path.join(out, "sg_mxnet_check.json"), "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")
    print(json.dumps(result))
