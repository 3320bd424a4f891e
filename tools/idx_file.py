"""Reads gzipped IDX files (Fashion-MNIST's format) into numpy arrays; shared by make_sample.py and train_demo.py."""
import gzip
import struct

import numpy as np


def read_idx(path):
    """Gzipped IDX file -> numpy uint8 array (images [n, 28, 28] or labels [n])."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, = struct.unpack(">I", raw[:4])
    assert magic >> 8 == 0x08, "expected unsigned byte IDX data"
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)
