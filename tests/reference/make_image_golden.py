"""Image lists and image record files moving both ways between MXNet 1.9.1 and symgrad.

Needs the MXNet venv with OpenCV (pip install opencv-python-headless==4.8.1.78; im2rec.py and
mx.recordio.pack_img/unpack_img use cv2).

1. MXNet -> symgrad, into tests/data/image_records/:
   * MXNet's tools/im2rec.py in list mode on tests/data/images: mx_list.lst (--recursive,
     shuffled), mx_split_*.lst (--recursive --chunks 2 --train-ratio 0.6 --test-ratio 0.2),
     mx_flat.lst (no --recursive, --no-shuffle). symgrad's im2rec must write the same files.
   * im2rec.py in pack mode on a copy of mx_list.lst: mx_pack.rec/.idx (--resize 64
     --quality 90) and mx_pt.rec/.idx (--pass-through).
   * mx_pack_pixels.params: every record of mx_pack.rec decoded by OpenCV, as RGB uint8
     arrays "id:<record id>" (height, width, 3).
   * mx_iter_batch.params: the first batch of mx.io.ImageRecordIter on mx_pack.rec
     (data_shape (3,48,48), batch 4, mean/std/scale set), "data:<b>" and "label:<b>".
2. symgrad -> MXNet: reads sg_pack.rec/.idx (symgrad's im2rec on the same list with the same
   flags; written by the train tests with SYMGRAD_WRITE_FIXTURES=1) with mx.recordio.unpack_img and
   compares headers with the list and pixels with OpenCV's resize of the original images;
   writes sg_image_check.json, which the test suite checks.

usage: /path/to/venv/bin/python make_image_golden.py tests/data/images tests/data/image_records
"""
import json
import os
import shutil
import subprocess
import sys

import cv2
import mxnet as mx
import numpy as np

images, out = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
os.makedirs(out, exist_ok=True)
IM2REC = os.path.join(os.path.dirname(mx.__file__), "tools", "im2rec.py")


def im2rec(*args):
    subprocess.run([sys.executable, IM2REC] + list(args), check=True, stdout=subprocess.DEVNULL)


# ---- 1. MXNet writes
for f in os.listdir(out):
    if f.startswith("mx_"):
        os.remove(os.path.join(out, f))
im2rec("--list", "--recursive", os.path.join(out, "mx_list"), images)
im2rec("--list", "--recursive", "--chunks", "2", "--train-ratio", "0.6", "--test-ratio", "0.2",
       os.path.join(out, "mx_split"), images)
im2rec("--list", "--no-shuffle", os.path.join(out, "mx_flat"), images)

work = os.path.join(out, "work")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
shutil.copy(os.path.join(out, "mx_list.lst"), os.path.join(work, "mx_pack.lst"))
im2rec("--resize", "64", "--quality", "90", os.path.join(work, "mx_pack"), images)
shutil.copy(os.path.join(out, "mx_list.lst"), os.path.join(work, "mx_pt.lst"))
im2rec("--pass-through", os.path.join(work, "mx_pt"), images)
for stem in ("mx_pack", "mx_pt"):
    for ext in (".rec", ".idx"):
        shutil.move(os.path.join(work, stem + ext), os.path.join(out, stem + ext))
shutil.rmtree(work)

rec = mx.recordio.MXIndexedRecordIO(os.path.join(out, "mx_pack.idx"), os.path.join(out, "mx_pack.rec"), "r")
pixels = {}
for k in rec.keys:
    h, img = mx.recordio.unpack_img(rec.read_idx(k), cv2.IMREAD_COLOR)
    pixels["id:%d" % h.id] = mx.nd.array(np.ascontiguousarray(img[:, :, ::-1]), dtype=np.uint8)
rec.close()
mx.nd.save(os.path.join(out, "mx_pack_pixels.params"), pixels)

it = mx.io.ImageRecordIter(path_imgrec=os.path.join(out, "mx_pack.rec"), data_shape=(3, 48, 48), batch_size=4,
                           mean_r=120, mean_g=110, mean_b=100, std_r=60, std_g=50, std_b=40, scale=0.5,
                           preprocess_threads=1, shuffle=False, round_batch=True)
batches = {}
for b, batch in enumerate(it):
    if b == 1:
        break
    batches["data:%d" % b] = batch.data[0]
    batches["label:%d" % b] = batch.label[0]
mx.nd.save(os.path.join(out, "mx_iter_batch.params"), batches)


# ---- 2. MXNet reads what symgrad wrote
def check_sg():
    problems = []
    idx, recf = os.path.join(out, "sg_pack.idx"), os.path.join(out, "sg_pack.rec")
    if not os.path.exists(recf):
        return {"ok": False, "problems": ["sg_pack.rec missing: run the train tests with SYMGRAD_WRITE_FIXTURES=1"]}
    items = []
    with open(os.path.join(out, "mx_list.lst")) as f:
        for line in f:
            p = line.strip().split("\t")
            items.append((int(p[0]), float(p[1]), p[-1]))
    r = mx.recordio.MXIndexedRecordIO(idx, recf, "r")
    theirs = mx.recordio.MXIndexedRecordIO(os.path.join(out, "mx_pack.idx"), os.path.join(out, "mx_pack.rec"), "r")
    if list(r.keys) != [i for i, _, _ in items]:
        problems.append("keys %s" % r.keys)
    diffs = []
    for key, label, path in items:
        h, img = mx.recordio.unpack_img(r.read_idx(key), cv2.IMREAD_COLOR)
        if h.id != key or h.label != label or h.flag != 0:
            problems.append("header of %d: %s" % (key, h))
        src = cv2.imread(os.path.join(images, path), cv2.IMREAD_COLOR)
        short = min(src.shape[:2])
        size = (src.shape[1] * 64 // short, src.shape[0] * 64 // short)
        want = cv2.resize(src, size)
        if img.shape != want.shape:
            problems.append("shape of %d: %s vs %s" % (key, img.shape, want.shape))
            continue
        # JPEG at quality 90 loses detail: symgrad's record must be as close to OpenCV's resize
        # as MXNet's own record is, and close to MXNet's record
        _, mine = mx.recordio.unpack_img(theirs.read_idx(key), cv2.IMREAD_COLOR)
        d_sg = float(np.abs(img.astype(np.float64) - want).mean())
        d_mx = float(np.abs(mine.astype(np.float64) - want).mean())
        d_both = float(np.abs(img.astype(np.float64) - mine).mean())
        diffs.append({"id": key, "sg_vs_cv2_resize": round(d_sg, 3), "mx_vs_cv2_resize": round(d_mx, 3),
                      "sg_vs_mx": round(d_both, 3)})
        if d_sg > d_mx + 0.5 or d_both > 3.0:
            problems.append("pixels of %d: %s" % (key, diffs[-1]))
    return {"ok": not problems, "problems": problems, "records": len(items), "mean_abs_pixel_diffs": diffs}


result = check_sg()
with open(os.path.join(out, "sg_image_check.json"), "w") as f:
    json.dump(result, f, indent=1, sort_keys=True)
    f.write("\n")
print(json.dumps(result))
