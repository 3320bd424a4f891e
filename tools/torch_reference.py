"""
Independent PyTorch reference for ViT Pruning Studio's engine.

Plain torch.nn modules that mirror the math (and the parameter names) of
  - timm     VisionTransformer / VisionTransformerDistilled      (keys: cls_token, blocks.N.attn.qkv, ...)
  - HF v4    ViTForImageClassification / DeiTForImageClassificationWithTeacher
             (keys: vit.encoder.layer.N.attention.attention.query, ...)
  - HF v5    the same modules, loaded through a key rename (vit.layers.N.attention.q_proj, ...)
  - VTP      the gated forward of a full timm-style model (DESIGN.md section 1) and the
             project's physically slimmed block (uneven head value widths, gathered inputs).

Nothing here imports timm or transformers: this file is the independent reference that the
TypeScript engine is tested against (see tools/make_fixtures.py). Written for readability,
nanoGPT style; shapes are in comments. B = batch, N = tokens (prefix + patches), D = embed dim,
H = heads, hd = head dim, C = image channels.

Pre-norm ViT block:
    x = x + proj(attn(LN1(x)))
    x = x + fc2(GELU_erf(fc1(LN2(x))))
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


# -----------------------------------------------------------------------------
# timm: VisionTransformer / VisionTransformerDistilled


class TimmPatchEmbed(nn.Module):
    """Conv2d(C, D, kernel=P, stride=P), then flatten the grid row-major to tokens."""

    def __init__(self, img_size, patch_size, in_chans, embed_dim):
        super().__init__()
        self.img_size = _pair(img_size)
        self.patch_size = _pair(patch_size)
        self.grid_size = (self.img_size[0] // self.patch_size[0], self.img_size[1] // self.patch_size[1])
        self.num_patches = self.grid_size[0] * self.grid_size[1]
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=self.patch_size, stride=self.patch_size)

    def forward(self, x):
        x = self.proj(x)  # [B, D, gh, gw]
        x = x.flatten(2).transpose(1, 2)  # [B, gh*gw, D], row-major over the grid
        return x


class TimmAttention(nn.Module):
    def __init__(self, dim, num_heads, qkv_bias=True):
        super().__init__()
        assert dim % num_heads == 0
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)  # rows: q | k | v
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, gate_attn=None):
        B, N, D = x.shape
        qkv = self.qkv(x)  # [B, N, 3D]
        qkv = qkv.reshape(B, N, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)  # [3, B, H, N, hd]
        q, k, v = qkv[0], qkv[1], qkv[2]  # each [B, H, N, hd]
        att = (q * self.scale) @ k.transpose(-2, -1)  # [B, H, N, N]
        att = att.softmax(dim=-1)  # softmax over keys
        y = att @ v  # [B, H, N, hd]
        y = y.transpose(1, 2).reshape(B, N, D)  # heads concatenated, [B, N, D]
        if gate_attn is not None:
            y = y * gate_attn  # VTP gate "attn" (D)
        return self.proj(y)  # [B, N, D]


class TimmMlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()  # exact (erf) GELU
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x, gate_hidden=None):
        h = self.act(self.fc1(x))  # [B, N, hidden]
        if gate_hidden is not None:
            h = h * gate_hidden  # VTP gate "hidden" (MLP hidden)
        return self.fc2(h)  # [B, N, D]


class TimmBlock(nn.Module):
    def __init__(self, dim, num_heads, mlp_hidden, qkv_bias=True, eps=1e-6):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = TimmAttention(dim, num_heads, qkv_bias=qkv_bias)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = TimmMlp(dim, mlp_hidden)

    def forward(self, x, gates=None):
        """gates: None, or dict with 'qkv' [D], 'attn' [D], 'fc1' [D], 'hidden' [mlp_hidden] (VTP)."""
        g = gates or {}
        h = self.norm1(x)  # [B, N, D]
        if "qkv" in g:
            h = h * g["qkv"]  # Q, K, V = FC(LN1(X) . a_qkv)
        x = x + self.attn(h, gate_attn=g.get("attn"))
        h = self.norm2(x)  # [B, N, D]
        if "fc1" in g:
            h = h * g["fc1"]  # fc1 input LN2(Y) . a_fc1
        x = x + self.mlp(h, gate_hidden=g.get("hidden"))
        return x


class VisionTransformer(nn.Module):
    """timm VisionTransformer, global_pool='token', class token, pre-norm, final norm, linear head."""

    num_prefix_tokens = 1

    def __init__(self, img_size=224, patch_size=16, in_chans=3, num_classes=1000, embed_dim=768,
                 depth=12, num_heads=12, mlp_ratio=4.0, qkv_bias=True, eps=1e-6):
        super().__init__()
        self.embed_dim = embed_dim
        self.patch_embed = TimmPatchEmbed(img_size, patch_size, in_chans, embed_dim)
        n = self.patch_embed.num_patches
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self._init_extra_tokens(embed_dim)
        self.pos_embed = nn.Parameter(torch.zeros(1, n + self.num_prefix_tokens, embed_dim))
        mlp_hidden = int(embed_dim * mlp_ratio)
        self.blocks = nn.ModuleList(
            [TimmBlock(embed_dim, num_heads, mlp_hidden, qkv_bias=qkv_bias, eps=eps) for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim, eps=eps)
        self.head = nn.Linear(embed_dim, num_classes)
        self._init_extra_heads(embed_dim, num_classes)

    def _init_extra_tokens(self, embed_dim):
        pass

    def _init_extra_heads(self, embed_dim, num_classes):
        pass

    def _prefix_tokens(self, B):
        return [self.cls_token.expand(B, -1, -1)]  # [B, 1, D]

    def forward_features(self, x, gates=None):
        """x: [B, C, H, W] -> [B, N, D] after the final norm. gates: None or a list (one dict per block)."""
        B = x.shape[0]
        x = self.patch_embed(x)  # [B, n, D]
        x = torch.cat(self._prefix_tokens(B) + [x], dim=1)  # [B, prefix + n, D]
        x = x + self.pos_embed  # [B, N, D]
        for i, blk in enumerate(self.blocks):
            x = blk(x, gates=None if gates is None else gates[i])
        return self.norm(x)

    def forward_head(self, x):
        return self.head(x[:, 0])  # [B, classes]

    def forward(self, x, gates=None):
        return self.forward_head(self.forward_features(x, gates=gates))


class VisionTransformerDistilled(VisionTransformer):
    """timm VisionTransformerDistilled (DeiT): tokens [cls, dist, patches]; eval logits = mean of heads."""

    num_prefix_tokens = 2

    def _init_extra_tokens(self, embed_dim):
        self.dist_token = nn.Parameter(torch.zeros(1, 1, embed_dim))

    def _init_extra_heads(self, embed_dim, num_classes):
        self.head_dist = nn.Linear(embed_dim, num_classes)

    def _prefix_tokens(self, B):
        return [self.cls_token.expand(B, -1, -1), self.dist_token.expand(B, -1, -1)]

    def forward_heads(self, x):
        return self.head(x[:, 0]), self.head_dist(x[:, 1])  # each [B, classes]

    def forward_head(self, x):
        a, b = self.forward_heads(x)
        return (a + b) / 2


# -----------------------------------------------------------------------------
# Hugging Face transformers (v4 module tree; v5 checkpoints load through hf_v5_to_v4_keys)


class HFPatchEmbeddings(nn.Module):
    def __init__(self, image_size, patch_size, num_channels, hidden_size):
        super().__init__()
        image_size, patch_size = _pair(image_size), _pair(patch_size)
        self.num_patches = (image_size[0] // patch_size[0]) * (image_size[1] // patch_size[1])
        self.projection = nn.Conv2d(num_channels, hidden_size, kernel_size=patch_size, stride=patch_size)

    def forward(self, pixel_values):
        return self.projection(pixel_values).flatten(2).transpose(1, 2)  # [B, n, D]


class HFEmbeddings(nn.Module):
    """ViTEmbeddings (distillation=False) or DeiTEmbeddings (distillation=True)."""

    def __init__(self, cfg, distillation=False):
        super().__init__()
        D = cfg["hidden_size"]
        self.distillation = distillation
        self.cls_token = nn.Parameter(torch.zeros(1, 1, D))
        if distillation:
            self.distillation_token = nn.Parameter(torch.zeros(1, 1, D))
        self.patch_embeddings = HFPatchEmbeddings(cfg["image_size"], cfg["patch_size"], cfg["num_channels"], D)
        n_prefix = 2 if distillation else 1
        self.position_embeddings = nn.Parameter(torch.zeros(1, self.patch_embeddings.num_patches + n_prefix, D))

    def forward(self, pixel_values):
        B = pixel_values.shape[0]
        x = self.patch_embeddings(pixel_values)  # [B, n, D]
        tokens = [self.cls_token.expand(B, -1, -1)]
        if self.distillation:
            tokens.append(self.distillation_token.expand(B, -1, -1))
        x = torch.cat(tokens + [x], dim=1)  # [B, N, D]
        return x + self.position_embeddings


class HFSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        D, H = cfg["hidden_size"], cfg["num_attention_heads"]
        self.num_heads = H
        self.head_size = D // H
        bias = cfg.get("qkv_bias", True)
        self.query = nn.Linear(D, D, bias=bias)
        self.key = nn.Linear(D, D, bias=bias)
        self.value = nn.Linear(D, D, bias=bias)

    def _heads(self, t):  # [B, N, D] -> [B, H, N, hs]
        B, N, _ = t.shape
        return t.view(B, N, self.num_heads, self.head_size).transpose(1, 2)

    def forward(self, x):
        B, N, D = x.shape
        q, k, v = self._heads(self.query(x)), self._heads(self.key(x)), self._heads(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_size)  # [B, H, N, N]
        probs = F.softmax(scores, dim=-1)
        ctx = probs @ v  # [B, H, N, hs]
        return ctx.transpose(1, 2).reshape(B, N, D)


class HFSelfOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["hidden_size"])

    def forward(self, x):
        return self.dense(x)  # residual is added in HFLayer (as in HF's ViTLayer)


class HFAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.attention = HFSelfAttention(cfg)
        self.output = HFSelfOutput(cfg)

    def forward(self, x):
        return self.output(self.attention(x))


class HFIntermediate(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        assert cfg.get("hidden_act", "gelu") == "gelu", "reference implements exact (erf) GELU only"
        self.dense = nn.Linear(cfg["hidden_size"], cfg["intermediate_size"])

    def forward(self, x):
        return F.gelu(self.dense(x))


class HFOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["intermediate_size"], cfg["hidden_size"])

    def forward(self, h, residual):
        return self.dense(h) + residual


class HFLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        eps = cfg.get("layer_norm_eps", 1e-12)
        self.layernorm_before = nn.LayerNorm(cfg["hidden_size"], eps=eps)
        self.attention = HFAttention(cfg)
        self.layernorm_after = nn.LayerNorm(cfg["hidden_size"], eps=eps)
        self.intermediate = HFIntermediate(cfg)
        self.output = HFOutput(cfg)

    def forward(self, x):
        x = self.attention(self.layernorm_before(x)) + x  # [B, N, D]
        return self.output(self.intermediate(self.layernorm_after(x)), x)


class HFEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList([HFLayer(cfg) for _ in range(cfg["num_hidden_layers"])])

    def forward(self, x):
        for lyr in self.layer:
            x = lyr(x)
        return x


class HFViTModel(nn.Module):
    """ViTModel / DeiTModel without the pooler (as used by the classification heads)."""

    def __init__(self, cfg, distillation=False):
        super().__init__()
        self.embeddings = HFEmbeddings(cfg, distillation=distillation)
        self.encoder = HFEncoder(cfg)
        self.layernorm = nn.LayerNorm(cfg["hidden_size"], eps=cfg.get("layer_norm_eps", 1e-12))

    def forward(self, pixel_values):
        return self.layernorm(self.encoder(self.embeddings(pixel_values)))  # [B, N, D]


class HFViTForImageClassification(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.vit = HFViTModel(cfg)
        self.classifier = nn.Linear(cfg["hidden_size"], len(cfg["id2label"]))

    def forward(self, pixel_values):
        return self.classifier(self.vit(pixel_values)[:, 0])  # [B, classes]


class HFDeiTForImageClassificationWithTeacher(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.deit = HFViTModel(cfg, distillation=True)
        n_cls = len(cfg["id2label"])
        self.cls_classifier = nn.Linear(cfg["hidden_size"], n_cls)
        self.distillation_classifier = nn.Linear(cfg["hidden_size"], n_cls)

    def forward_heads(self, pixel_values):
        s = self.deit(pixel_values)  # [B, N, D]
        return self.cls_classifier(s[:, 0]), self.distillation_classifier(s[:, 1])

    def forward(self, pixel_values):
        a, b = self.forward_heads(pixel_values)
        return (a + b) / 2


# transformers v5 layer layout <-> v4 module tree (same math, renamed parameters)
_HF_V5_LAYER_RENAMES = [
    ("attention.q_proj.", "attention.attention.query."),
    ("attention.k_proj.", "attention.attention.key."),
    ("attention.v_proj.", "attention.attention.value."),
    ("attention.o_proj.", "attention.output.dense."),
    ("mlp.fc1.", "intermediate.dense."),
    ("mlp.fc2.", "output.dense."),
    ("layernorm_before.", "layernorm_before."),
    ("layernorm_after.", "layernorm_after."),
]


def hf_v4_to_v5_keys(sd):
    out = {}
    for k, v in sd.items():
        for prefix in ("vit.", "deit."):
            head = prefix + "encoder.layer."
            if k.startswith(head):
                idx, rest = k[len(head):].split(".", 1)
                for new, old in _HF_V5_LAYER_RENAMES:
                    if rest.startswith(old):
                        rest = new + rest[len(old):]
                        break
                else:
                    raise KeyError(k)
                k = f"{prefix}layers.{idx}.{rest}"
        out[k] = v
    return out


def hf_v5_to_v4_keys(sd):
    out = {}
    for k, v in sd.items():
        for prefix in ("vit.", "deit."):
            head = prefix + "layers."
            if k.startswith(head):
                idx, rest = k[len(head):].split(".", 1)
                for new, old in _HF_V5_LAYER_RENAMES:
                    if rest.startswith(new):
                        rest = old + rest[len(new):]
                        break
                else:
                    raise KeyError(k)
                k = f"{prefix}encoder.layer.{idx}.{rest}"
        out[k] = v
    return out


def timm_to_hf_v4_keys(sd, distilled=False):
    """Remap a timm ViT/DeiT state dict to HF v4 ViTForImageClassification / DeiT...WithTeacher keys."""
    p = "deit." if distilled else "vit."
    out = {}
    for k, v in sd.items():
        if k == "cls_token":
            out[p + "embeddings.cls_token"] = v
        elif k == "dist_token":
            out[p + "embeddings.distillation_token"] = v
        elif k == "pos_embed":
            out[p + "embeddings.position_embeddings"] = v
        elif k.startswith("patch_embed.proj."):
            out[p + "embeddings.patch_embeddings.projection." + k.split(".")[-1]] = v
        elif k.startswith("norm."):
            out[p + "layernorm." + k.split(".")[-1]] = v
        elif k.startswith("head_dist."):
            out["distillation_classifier." + k.split(".")[-1]] = v
        elif k.startswith("head."):
            out[("cls_classifier." if distilled else "classifier.") + k.split(".")[-1]] = v
        elif k.startswith("blocks."):
            _, i, rest = k.split(".", 2)
            L = f"{p}encoder.layer.{i}."
            if rest.startswith("attn.qkv."):
                kind = rest.split(".")[-1]
                D = v.shape[0] // 3
                q, kk, vv = v[:D], v[D:2 * D], v[2 * D:]  # rows q | k | v (torch or numpy)
                for name, t in (("query", q), ("key", kk), ("value", vv)):
                    out[f"{L}attention.attention.{name}.{kind}"] = t
                continue
            table = {
                "norm1.": "layernorm_before.", "norm2.": "layernorm_after.",
                "attn.proj.": "attention.output.dense.",
                "mlp.fc1.": "intermediate.dense.", "mlp.fc2.": "output.dense.",
            }
            for old, new in table.items():
                if rest.startswith(old):
                    out[L + new + rest[len(old):]] = v
                    break
            else:
                raise KeyError(k)
        else:
            raise KeyError(k)
    return out


# -----------------------------------------------------------------------------
# VTP slim model (the project's own "vit-pruning-studio" format)


class SlimBlock(nn.Module):
    """
    A physically slimmed pre-norm block.
      dims: {"qkv_in": list|None, "heads": [kept head ids], "value_widths": [per kept head],
             "fc1_in": list|None, "hidden": int}
    LN1/LN2 run over the full residual width D; their outputs are gathered to qkv_in / fc1_in.
    Each kept head has query/key width hd (the original head dim) and its own value width.
    The attention scale stays hd^-0.5. Written as a plain loop over heads: this is the reference.
    """

    def __init__(self, dim, head_dim, dims, eps=1e-6):
        super().__init__()
        self.dim, self.head_dim = dim, head_dim
        self.qkv_in = dims["qkv_in"]
        self.fc1_in = dims["fc1_in"]
        self.heads = list(dims["heads"])
        self.value_widths = list(dims["value_widths"])
        assert len(self.heads) == len(self.value_widths)
        k = dim if self.qkv_in is None else len(self.qkv_in)
        m = dim if self.fc1_in is None else len(self.fc1_in)
        hq = len(self.heads) * head_dim
        vsum = sum(self.value_widths)
        hidden = dims["hidden"]
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = nn.Module()
        self.attn.q = nn.Linear(k, hq)
        self.attn.k = nn.Linear(k, hq)
        self.attn.v = nn.Linear(k, vsum)
        self.attn.proj = nn.Linear(vsum, dim)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.mlp = nn.Module()
        self.mlp.fc1 = nn.Linear(m, hidden)
        self.mlp.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        B, N, D = x.shape
        hd = self.head_dim
        h = self.norm1(x)  # [B, N, D]
        if self.qkv_in is not None:
            h = h[..., self.qkv_in]  # [B, N, k]
        q = self.attn.q(h)  # [B, N, h'*hd]
        k = self.attn.k(h)  # [B, N, h'*hd]
        v = self.attn.v(h)  # [B, N, sum(value_widths)]
        outs = []
        v_start = 0
        for i, vw in enumerate(self.value_widths):
            qi = q[..., i * hd:(i + 1) * hd]  # [B, N, hd]
            ki = k[..., i * hd:(i + 1) * hd]  # [B, N, hd]
            vi = v[..., v_start:v_start + vw]  # [B, N, vw]
            v_start += vw
            att = (qi @ ki.transpose(-1, -2)) * hd ** -0.5  # [B, N, N]
            att = att.softmax(dim=-1)
            outs.append(att @ vi)  # [B, N, vw]
        y = torch.cat(outs, dim=-1)  # [B, N, sum(value_widths)]
        x = x + self.attn.proj(y)  # [B, N, D]
        h2 = self.norm2(x)  # [B, N, D]
        if self.fc1_in is not None:
            h2 = h2[..., self.fc1_in]  # [B, N, m]
        x = x + self.mlp.fc2(F.gelu(self.mlp.fc1(h2)))  # [B, N, D]
        return x


class SlimViT(nn.Module):
    """The slim model described by a vit-pruning-studio config.json (format_version 1)."""

    def __init__(self, cfg):
        super().__init__()
        D = cfg["embed_dim"]
        eps = cfg["layer_norm_eps"]
        self.distilled = bool(cfg.get("distilled", False))
        self.patch_embed = TimmPatchEmbed(cfg["img_size"], cfg["patch_size"], cfg["in_chans"], D)
        n_prefix = 2 if self.distilled else 1
        self.cls_token = nn.Parameter(torch.zeros(1, 1, D))
        if self.distilled:
            self.dist_token = nn.Parameter(torch.zeros(1, 1, D))
        self.pos_embed = nn.Parameter(torch.zeros(1, self.patch_embed.num_patches + n_prefix, D))
        self.blocks = nn.ModuleList([SlimBlock(D, cfg["head_dim"], bd, eps=eps) for bd in cfg["block_dims"]])
        self.norm = nn.LayerNorm(D, eps=eps)
        self.head = nn.Linear(D, cfg["num_classes"])
        if self.distilled:
            self.head_dist = nn.Linear(D, cfg["num_classes"])

    def forward(self, x):
        B = x.shape[0]
        x = self.patch_embed(x)  # [B, n, D]
        tokens = [self.cls_token.expand(B, -1, -1)]
        if self.distilled:
            tokens.append(self.dist_token.expand(B, -1, -1))
        x = torch.cat(tokens + [x], dim=1) + self.pos_embed  # [B, N, D]
        for blk in self.blocks:
            x = blk(x)
        x = self.norm(x)
        if self.distilled:
            return (self.head(x[:, 0]) + self.head_dist(x[:, 1])) / 2
        return self.head(x[:, 0])  # [B, classes]
