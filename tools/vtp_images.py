"""Image files to model-ready uint8 tensors [C, H, W], with torch and the standard library only.

PNG is decoded here (zlib + struct; 1/2/4/8/16-bit gray, RGB, palette, alpha; not interlaced) when
Pillow is missing; everything else (JPEG, BMP, WebP, interlaced PNG) needs Pillow, or torchvision for
JPEG. Conversion as the studio does it (src/data/resizeImage.ts): alpha composited on white, RGB -> gray
by luma 0.299/0.587/0.114, gray -> RGB by replication, then antialiased bilinear resize (PIL/torchvision
`antialias=True`, half-pixel centres) and rounding to bytes.
"""
import os
import struct
import zlib

import torch
import torch.nn.functional as F

try:
    from PIL import Image as _PIL
except ImportError:  # Pillow is optional
    _PIL = None

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # PNG colour type -> samples per pixel
LUMA = (0.299, 0.587, 0.114)


class ImageError(ValueError):
    """An image that cannot be read, with the file and the reason."""


def _chunks(data, path):
    """(type, payload) of every PNG chunk."""
    at = len(PNG_SIGNATURE)
    while at + 8 <= len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind = data[at + 4:at + 8]
        yield kind, data[at + 8:at + 8 + length]
        at += 12 + length
        if kind == b"IEND":
            return
    raise ImageError(f"{path}: truncated PNG (no IEND chunk)")


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def _unfilter(raw, rows, stride, bpp, path):
    """The unfiltered scanlines of a non-interlaced PNG as one bytearray [rows * stride]."""
    out, prev = bytearray(), bytearray(stride)
    for y in range(rows):
        at = y * (stride + 1)
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        if len(line) != stride:
            raise ImageError(f"{path}: PNG image data is shorter than its size")
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif kind == 3:
            for i in range(stride):
                line[i] = (line[i] + ((line[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 255
        elif kind == 4:
            for i in range(stride):
                left, upleft = (line[i - bpp], prev[i - bpp]) if i >= bpp else (0, 0)
                line[i] = (line[i] + _paeth(left, prev[i], upleft)) & 255
        elif kind != 0:
            raise ImageError(f"{path}: unknown PNG filter type {kind}")
        out += line
        prev = line
    return out


def _samples(pixels, width, height, depth, channels):
    """Unfiltered bytes -> uint8 samples [H, W, channels] (16-bit keeps the high byte, <8-bit unpacked)."""
    data = torch.frombuffer(pixels, dtype=torch.uint8) if len(pixels) else torch.zeros(0, dtype=torch.uint8)
    if depth == 16:
        return data.reshape(height, width * channels, 2)[:, :, 0].reshape(height, width, channels)
    if depth == 8:
        return data.reshape(height, width, channels)
    per = 8 // depth  # samples per byte, most significant first
    rows = data.reshape(height, -1)
    shifts = torch.tensor([8 - depth * (k + 1) for k in range(per)], dtype=torch.uint8)
    unpacked = (rows.unsqueeze(-1) >> shifts) & ((1 << depth) - 1)  # [H, bytes, per]
    return unpacked.reshape(height, -1)[:, :width].reshape(height, width, 1)


def decode_png(data, path="image.png"):
    """A PNG file's bytes -> uint8 [H, W, channels] (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA)."""
    if not data.startswith(PNG_SIGNATURE):
        raise ImageError(f"{path}: not a PNG file")
    header, palette, alpha, idat = None, None, None, []
    for kind, payload in _chunks(data, path):
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", payload[:13])
        elif kind == b"PLTE":
            palette = torch.frombuffer(bytearray(payload), dtype=torch.uint8).reshape(-1, 3)
        elif kind == b"tRNS":
            alpha = bytes(payload)
        elif kind == b"IDAT":
            idat.append(payload)
    if header is None:
        raise ImageError(f"{path}: PNG without an IHDR chunk")
    width, height, depth, colour, _, _, interlace = header
    if interlace:
        raise ImageError(f"{path}: interlaced PNG; install Pillow (pip install pillow) to read it")
    if colour not in _CHANNELS or depth not in (1, 2, 4, 8, 16):
        raise ImageError(f"{path}: unsupported PNG colour type {colour} / bit depth {depth}")
    channels = _CHANNELS[colour]
    bits = depth * channels
    stride, bpp = (width * bits + 7) // 8, max(1, bits // 8)
    raw = zlib.decompress(b"".join(idat))
    samples = _samples(_unfilter(raw, height, stride, bpp, path), width, height, depth, channels)
    if colour == 0 and depth < 8:
        samples = samples * (255 // ((1 << depth) - 1))
    if colour != 3:
        return samples
    if palette is None:
        raise ImageError(f"{path}: palette PNG without a PLTE chunk")
    rgb = palette[samples[:, :, 0].long()]  # [H, W, 3]
    if alpha is None:
        return rgb
    table = torch.full((len(palette),), 255, dtype=torch.uint8)
    table[:len(alpha)] = torch.frombuffer(bytearray(alpha[:len(palette)]), dtype=torch.uint8)
    return torch.cat([rgb, table[samples[:, :, 0].long()].unsqueeze(-1)], dim=-1)  # [H, W, 4]


def _pillow_read(path):
    """uint8 [H, W, channels] through Pillow."""
    with _PIL.open(path) as img:
        mode = img.mode if img.mode in ("L", "LA", "RGB", "RGBA") else ("RGBA" if "A" in img.getbands() or "transparency" in img.info else "RGB")
        img = img.convert(mode)
        data = bytearray(img.tobytes())
        return torch.frombuffer(data, dtype=torch.uint8).reshape(img.height, img.width, len(mode))


def read_image(path):
    """An image file -> uint8 [H, W, channels]; PNG without Pillow, other formats with Pillow (JPEG also torchvision).
    VTP_TORCH_NO_PILLOW=1 uses the built-in PNG decoder even where Pillow is installed."""
    with open(path, "rb") as f:
        data = f.read()
    if _PIL is not None and os.environ.get("VTP_TORCH_NO_PILLOW") != "1":
        try:
            return _pillow_read(path)
        except Exception as err:  # Pillow's own errors have many types
            raise ImageError(f"{path}: cannot read the image: {err}") from err
    if data.startswith(PNG_SIGNATURE):
        return decode_png(data, path)
    if data[:3] == b"\xff\xd8\xff":
        try:
            from torchvision.io import decode_jpeg
        except ImportError:
            raise ImageError(f"{path} is a JPEG: reading JPEG needs Pillow (pip install pillow) or torchvision; "
                             "without them only PNG is read") from None
        try:
            return decode_jpeg(torch.frombuffer(bytearray(data), dtype=torch.uint8)).permute(1, 2, 0)
        except RuntimeError as err:
            raise ImageError(f"{path}: cannot decode the JPEG: {err}") from None
    raise ImageError(f"{path}: not a PNG; reading this format needs Pillow (pip install pillow)")


def to_model_pixels(img, shape):
    """uint8 [H, W, channels] -> uint8 [C, H', W'] at the model's shape (C = 1 or 3), as the studio converts."""
    C, H, W = shape
    x = img.to(torch.float32)
    channels = x.shape[-1]
    if channels in (2, 4):
        a = x[:, :, -1:] / 255
        x = x[:, :, :-1] * a + 255 * (1 - a)  # composite on white
    if C == 1 and x.shape[-1] == 3:
        x = (LUMA[0] * x[:, :, 0] + LUMA[1] * x[:, :, 1] + LUMA[2] * x[:, :, 2]).unsqueeze(-1)
    elif C == 3 and x.shape[-1] == 1:
        x = x.expand(-1, -1, 3)
    planes = x.permute(2, 0, 1).contiguous()  # [C, h, w]
    if tuple(planes.shape[1:]) != (H, W):
        planes = F.interpolate(planes.unsqueeze(0), size=(H, W), mode="bilinear", align_corners=False, antialias=True)[0]
    return (planes + 0.5).floor().clamp(0, 255).to(torch.uint8)  # [C, H, W]
