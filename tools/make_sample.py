"""
Write public/data/fmnist-sample.safetensors: the small Fashion-MNIST sample that ships with the app.

A balanced, seeded draw from the Fashion-MNIST TRAIN split (Debian's dataset-fashion-mnist, IDX files
under /usr/share/datasets/fashion-mnist/): 200 training and 100 validation images per class, disjoint.
Raw pixels 0..255 (the app normalises them in its loader).

Tensors (safetensors, contiguous, header padded to 8 bytes with spaces):
    train_images U8  [2000, 28, 28]     train_labels U8 [2000]     train_index I32 [2000]
    val_images   U8  [1000, 28, 28]     val_labels   U8 [1000]     val_index   I32 [1000]
The *_index tensors are the row numbers in the original train split (train-images-idx3-ubyte).
Within each part the images are shuffled (classes interleaved).

Usage (from the repository root; numpy only):

    /usr/bin/python3 tools/make_sample.py            # writes the file, then reads it back and checks it
"""

import argparse
import json
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from idx_file import read_idx  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = "/usr/share/datasets/fashion-mnist"
OUT = os.path.join(ROOT, "public", "data", "fmnist-sample.safetensors")
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
_NP = {"U8": "u1", "I32": "<i4"}


def write_safetensors(path, tensors, metadata):
    header, blobs, off = {"__metadata__": metadata}, [], 0
    for name, (dt, arr) in tensors.items():
        data = np.ascontiguousarray(arr.astype(_NP[dt])).tobytes()
        header[name] = {"dtype": dt, "shape": list(arr.shape), "data_offsets": [off, off + len(data)]}
        blobs.append(data)
        off += len(data)
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * ((-len(hjson)) % 8)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__")
    data = raw[8 + n:]
    out, pos = {}, 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        b, e = info["data_offsets"]
        assert b == pos, "gap in data_offsets"
        pos = e
        out[name] = np.frombuffer(data[b:e], dtype=_NP[info["dtype"]]).reshape(info["shape"])
    assert pos == len(data), "trailing bytes"
    return out, meta


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--train-per-class", type=int, default=200)
    ap.add_argument("--val-per-class", type=int, default=100)
    ap.add_argument("--out", default=OUT)
    args = ap.parse_args()

    images = read_idx(os.path.join(DATA_DIR, "train-images-idx3-ubyte.gz"))  # [60000, 28, 28]
    labels = read_idx(os.path.join(DATA_DIR, "train-labels-idx1-ubyte.gz"))  # [60000]
    rng = np.random.default_rng(args.seed)
    tr, va = [], []
    for c in range(10):
        idx = np.flatnonzero(labels == c)
        pick = rng.choice(idx, size=args.train_per_class + args.val_per_class, replace=False)
        tr.append(pick[:args.train_per_class])
        va.append(pick[args.train_per_class:])
    train_index = rng.permutation(np.concatenate(tr))
    val_index = rng.permutation(np.concatenate(va))
    assert not set(train_index.tolist()) & set(val_index.tolist())

    tensors = {
        "train_images": ("U8", images[train_index]),
        "train_labels": ("U8", labels[train_index]),
        "val_images": ("U8", images[val_index]),
        "val_labels": ("U8", labels[val_index]),
        "train_index": ("I32", train_index.astype(np.int32)),
        "val_index": ("I32", val_index.astype(np.int32)),
    }
    nt, nv = len(train_index), len(val_index)
    metadata = {
        "class_names": json.dumps(CLASS_NAMES),
        "source": "Fashion-MNIST train split (Zalando, MIT license)",
        "seed": str(args.seed),
        "description": (f"Balanced sample of the Fashion-MNIST train split: {nt} training images "
                        f"({args.train_per_class} per class) and {nv} validation images "
                        f"({args.val_per_class} per class), disjoint, drawn with numpy default_rng(seed); "
                        "raw uint8 pixels 0..255, 28x28, 1 channel; labels 0..9 index class_names; "
                        "train_index/val_index are rows of train-images-idx3-ubyte. "
                        "Made by tools/make_sample.py."),
    }
    write_safetensors(args.out, tensors, metadata)

    back, meta = read_safetensors(args.out)
    for name, (_, arr) in tensors.items():
        assert np.array_equal(back[name], arr), name
    assert meta == metadata
    for part, n in (("train", args.train_per_class), ("val", args.val_per_class)):
        assert np.array_equal(np.bincount(back[f"{part}_labels"], minlength=10), np.full(10, n)), part
    print(f"wrote {args.out} ({os.path.getsize(args.out):,} bytes): "
          f"{nt} train + {nv} val images, seed {args.seed}")


if __name__ == "__main__":
    main()
