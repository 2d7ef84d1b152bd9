"""Real exporter graphs for the head-removal tests (scripts/references.sh runs this; Debian's python3-torchvision).

For each torchvision classifier below: seeded random weights (no weights can be downloaded; the graph is the real
exporter's all the same), BatchNorm statistics calibrated on noise so activations stay in a realistic range, then
  <name>.onnx           torch.onnx.export of the whole classifier, dynamic batch axis
  <name>.input.f32      the test input: two sample photos, torchvision's eval transform, float32 [2, 3, S, S]
  <name>.features.f32   torch's own include_top=False features of that input (the layers up to and including the
                        global pooling; ConvNeXt's LayerNorm2d after it, as Keras), float32 [2, C]
and exports.json listing them. Usage: export_torchvision.py OUT_DIR REPO_ROOT
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from PIL import Image
from torchvision import transforms

OUT, ROOT = sys.argv[1], sys.argv[2]
PHOTOS = ["dog.jpg", "eagle.jpg"]


def flatten_pool(x):
    return torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)


# name -> (constructor kwargs, input side, include_top=False features of the eval model)
MODELS = {
    "resnet50": ({}, 224, None),
    "vgg16": ({}, 224, lambda m, x: flatten_pool(m.features(x))),
    "alexnet": ({}, 224, lambda m, x: flatten_pool(m.features(x))),
    "densenet121": ({}, 224, lambda m, x: flatten_pool(F.relu(m.features(x)))),
    "inception_v3": ({"aux_logits": False, "init_weights": True}, 299, None),
    "googlenet": ({"aux_logits": False, "init_weights": True}, 224, None),
    "mobilenet_v2": ({}, 224, lambda m, x: flatten_pool(m.features(x))),
    "mobilenet_v3_large": ({}, 224, lambda m, x: flatten_pool(m.features(x))),
    "efficientnet_b0": ({}, 224, lambda m, x: flatten_pool(m.features(x))),
    "convnext_tiny": ({}, 224, lambda m, x: torch.flatten(m.classifier[0](m.avgpool(m.features(x))), 1)),
    # The classifier is Dropout, Conv 1x1 (512 -> 1000), ReLU, AdaptiveAvgPool: the features are the 512-wide map.
    "squeezenet1_1": ({}, 224, lambda m, x: flatten_pool(m.features(x))),
}


def headless_by_identity(model):
    """resnet50, inception_v3, googlenet: everything up to the pooling, then (dropout, identity in eval, and) fc."""
    model.fc = torch.nn.Identity()
    return model


def calibrate(model, side):
    # Random init leaves BatchNorm at mean 0, var 1; a few training-mode passes on noise give it statistics of
    # its own activations, so deep nets neither explode nor collapse (the exported graph is the same either way).
    if not any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules()):
        return
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.momentum = None  # cumulative average
    model.train()
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(4, 3, side, side, generator=generator))


def photos(side):
    short = int(round(side * 256 / 224))
    transform = transforms.Compose([
        transforms.Resize(short), transforms.CenterCrop(side), transforms.ToTensor(),
        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    ])
    images = [transform(Image.open(os.path.join(ROOT, "samples", "images", p)).convert("RGB")) for p in PHOTOS]
    return torch.stack(images)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    listing = []
    for name, (kwargs, side, features) in MODELS.items():
        torch.manual_seed(0)
        model = getattr(torchvision.models, name)(weights=None, **kwargs)
        calibrate(model, side)
        model.eval()
        x = photos(side)
        path = os.path.join(OUT, name + ".onnx")
        torch.onnx.export(model, torch.randn(1, 3, side, side), path, opset_version=17,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        with torch.no_grad():
            logits = model(x)
            reference = (features(model, x) if features else headless_by_identity(model)(x)).contiguous()
        x.numpy().astype(np.float32).tofile(os.path.join(OUT, name + ".input.f32"))
        reference.numpy().astype(np.float32).tofile(os.path.join(OUT, name + ".features.f32"))
        listing.append({"name": name, "side": side, "batch": int(x.shape[0]), "width": int(reference.shape[1]),
                        "classes": int(logits.shape[1]), "opset": 17})
        print(f"  {name}: input {list(x.shape)}, features {list(reference.shape)}, "
              f"|f| {reference.norm(dim=1).mean():.3g}, {os.path.getsize(path) / 1e6:.0f} MB", file=sys.stderr)
    with open(os.path.join(OUT, "exports.json"), "w") as f:
        json.dump(listing, f, indent=1)


if __name__ == "__main__":
    main()
