"""Training data for `vtp_torch.py train-scores`, drawn exactly as the studio draws it (src/train/).

- seeded_random: the studio's mulberry32 stream; batch_stream: its seeded Fisher-Yates epochs laid end
  to end (every global batch holds min(batch, N) distinct images); augmentation draws (dy, dx) in
  [-shift, shift] per image from a second stream seeded with seed ^ 0x5bd1e995, vacated pixels 0.
- Datasets: a folder of class folders (labels matched to the model's label_names by name), a folder of
  loose images (no labels: distillation only), or a dataset safetensors file like the studio's shipped
  sample (U8 train_images [N, H, W] or [N, C, H, W], train_labels [N], metadata class_names).
- Sharding: every process walks the same global batches and loads only its own slice of each, so the
  data a step sees does not depend on the number of processes (a DistributedSampler per batch).
"""
import json
import os
import struct
import unicodedata

import torch

from vtp_images import ImageError, read_image, to_model_pixels

MASK = 0xFFFFFFFF
AUGMENT_SEED_XOR = 0x5BD1E995
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif")


def seeded_random(seed):
    """The studio's seededRandom (mulberry32): a function returning uniform floats in [0, 1)."""
    state = seed & MASK

    def rand():
        nonlocal state
        state = (state + 0x6D2B79F5) & MASK
        t = state
        t = ((t ^ (t >> 15)) * (t | 1)) & MASK
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & MASK)) & MASK
        return ((t ^ (t >> 14)) & MASK) / 4294967296
    return rand


def shuffled_indices(n, rand):
    """A seeded Fisher-Yates permutation of 0..n-1 (the studio's shuffledIndices)."""
    out = list(range(n))
    for i in range(n - 1, 0, -1):
        j = int(rand() * (i + 1))
        out[i], out[j] = out[j], out[i]
    return out


def batch_stream(n, batch, seed):
    """Endless global batches of min(batch, n) indices: seeded epochs laid end to end (shuffledBatches)."""
    size, rand = max(1, min(batch, n)), seeded_random(seed)
    epoch, at = shuffled_indices(n, rand), 0
    while True:
        out = []
        for _ in range(size):
            if at == n:
                epoch, at = shuffled_indices(n, rand), 0
            out.append(epoch[at])
            at += 1
        yield out


def augment_draws(count, shift, flip, rand):
    """(dy, dx, flip) per image, consuming the stream as the studio's augmentBatch does."""
    s = max(0, int(shift))
    out = []
    for _ in range(count):
        dy = int(rand() * (2 * s + 1)) - s if s > 0 else 0
        dx = int(rand() * (2 * s + 1)) - s if s > 0 else 0
        out.append((dy, dx, flip and rand() < 0.5))
    return out


def shifted(img, dy, dx, flip):
    """uint8 [C, H, W] moved by (dy, dx) with zero fill, then mirrored left-right when flip."""
    C, H, W = img.shape
    out = torch.zeros_like(img)
    if abs(dy) < H and abs(dx) < W:
        out[:, max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = img[:, max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)]
    return out.flip(-1) if flip else out


def class_key(name):
    """The studio's classNameKey: NFKC, lower case, letters and digits only."""
    return "".join(c for c in unicodedata.normalize("NFKC", name).lower() if c.isalnum())


def match_classes(names, model_names, by_position, source, classes):
    """Model class index of every dataset class: by name (whole name or a comma synonym), or by position."""
    if by_position or not model_names:
        if len(names) > classes:
            raise ValueError(f"{source} has {len(names)} classes, the model {classes}")
        return list(range(len(names)))
    whole = {class_key(m): i for i, m in enumerate(model_names)}
    synonyms = {}
    for i, m in enumerate(model_names):
        for s in m.split(","):
            synonyms.setdefault(class_key(s), set()).add(i)
    out = []
    for name in names:
        k = class_key(name)
        hit = whole.get(k)
        if hit is None and len(synonyms.get(k, ())) == 1:
            hit = next(iter(synonyms[k]))
        if hit is None:
            raise ValueError(f"{source}: class {name!r} matches none of the model's classes ({', '.join(model_names[:4])}, ...); "
                             "rename the folder or pass --match-by-position")
        out.append(hit)
    return out


class ImageSet(torch.utils.data.Dataset):
    """Images as model-ready uint8 [C, H, W] (in memory, or read per item), labels or None; items are (index, dy, dx, flip)."""

    def __init__(self, shape, labels, mean, std, pixels=None, files=None):
        self.shape, self.labels, self.pixels, self.files = tuple(shape), labels, pixels, files
        std64 = torch.tensor(std, dtype=torch.float64).reshape(-1, 1, 1)
        self.scale = 1 / (255 * std64)  # [C, 1, 1] as normalisedBatch: p / (255 std) - mean / std
        self.offset = torch.tensor(mean, dtype=torch.float64).reshape(-1, 1, 1) / std64

    def __len__(self):
        return len(self.files) if self.files is not None else self.pixels.shape[0]

    def raw(self, i):
        """uint8 [C, H, W] of image i."""
        if self.files is None:
            return self.pixels[i]
        try:
            return to_model_pixels(read_image(self.files[i]), self.shape)
        except (ImageError, OSError) as err:
            raise ImageError(str(err)) from None

    def __getitem__(self, item):
        i, dy, dx, flip = item
        img = self.raw(i)
        if dy or dx or flip:
            img = shifted(img, dy, dx, flip)
        x = (img.to(torch.float64) * self.scale - self.offset).to(torch.float32)  # [C, H, W]
        return x, (self.labels[i] if self.labels is not None else -1)


def _dataset_file(path, shape, split):
    """uint8 images [N, C, H, W], labels [N] and class names of a dataset safetensors file's `split` half."""
    with open(path, "rb") as f:
        data = f.read()
    (size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + size])
    meta = header.get("__metadata__", {})

    def u8(name):
        if name not in header or header[name]["dtype"] != "U8":
            raise ValueError(f"{path}: a dataset file needs U8 tensors {split}_images and {split}_labels")
        start, end = header[name]["data_offsets"]
        return torch.frombuffer(bytearray(data[8 + size + start:8 + size + end]), dtype=torch.uint8).reshape(header[name]["shape"])
    images, labels = u8(f"{split}_images"), u8(f"{split}_labels").long()
    if images.dim() == 3:
        images = images.unsqueeze(1)  # [N, 1, H, W]
    if tuple(images.shape[1:]) != tuple(shape):
        images = torch.stack([to_model_pixels(img.permute(1, 2, 0), shape) for img in images])
    names = json.loads(meta["class_names"]) if "class_names" in meta else [str(i) for i in range(int(labels.max()) + 1)]
    if labels.numel() != images.shape[0] or int(labels.max()) >= len(names):
        raise ValueError(f"{path}: {split}_labels must hold one label per image, each below {len(names)} (the class names)")
    return images, labels, names


def _folder_files(root):
    """(class names, files per class) of a class-folder tree, or (None, [loose files]) without class folders."""
    entries = sorted(os.listdir(root))
    classes = [e for e in entries if os.path.isdir(os.path.join(root, e)) and not e.startswith(".")]
    pick = lambda d: [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.lower().endswith(IMAGE_EXTENSIONS)]
    if not classes:
        return None, [pick(root)]
    return classes, [pick(os.path.join(root, c)) for c in classes]


def open_dataset(path, cfg, split="train", by_position=False):
    """The training images at `path` for a model config, labels matched to its classes (None for loose images)."""
    shape = (cfg["in_chans"], *cfg["img_size"])
    pre = cfg["pretrained_cfg"]
    model_names = cfg.get("label_names")
    if os.path.isfile(path):
        images, labels, names = _dataset_file(path, shape, split)
        mapping = match_classes(names, model_names, by_position, path, cfg["num_classes"])
        return ImageSet(shape, [mapping[int(v)] for v in labels], pre["mean"], pre["std"], pixels=images)
    if not os.path.isdir(path):
        raise ValueError(f"--data {path}: no such folder or file")
    classes, groups = _folder_files(path)
    files = [f for g in groups for f in g]
    if not files:
        raise ValueError(f"--data {path}: no images ({', '.join(IMAGE_EXTENSIONS)}) found")
    mapping = match_classes(classes, model_names, by_position, path, cfg["num_classes"]) if classes is not None else None
    labels = [mapping[c] for c, g in enumerate(groups) for _ in g] if mapping is not None else None
    ds = ImageSet(shape, labels, pre["mean"], pre["std"], files=files)
    ds.raw(0)  # a first image now: an unreadable format fails here, with its reason, not in a loader worker
    return ds


class ShardBatches:
    """Per step, this process's slice of the global batch as (index, dy, dx, flip) items (a batch_sampler)."""

    def __init__(self, n, batch, steps, seed, rank, world, augment):
        self.size = max(1, min(batch, n))
        if self.size < world:
            raise ValueError(f"--batch {batch} (on {n} images) gives fewer than one image to each of {world} processes")
        self.n, self.steps, self.seed, self.augment = n, steps, seed, augment
        self.lo, self.hi = rank * self.size // world, (rank + 1) * self.size // world

    def __len__(self):
        return self.steps

    def __iter__(self):
        stream = batch_stream(self.n, self.size, self.seed)
        rand = seeded_random((self.seed ^ AUGMENT_SEED_XOR) & MASK)
        for _ in range(self.steps):
            indices = next(stream)
            draws = augment_draws(len(indices), self.augment["shift"], self.augment["flip"], rand) if self.augment else None
            yield [(i, *(draws[k] if draws else (0, 0, False))) for k, i in enumerate(indices)][self.lo:self.hi]
