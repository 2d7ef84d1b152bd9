"""Reference tensors of the real Pillow pipelines, for the exact preprocessing mode (scripts/references.sh runs this).

For every photo in samples/images (Debian's python3-pil and python3-numpy):
  <photo>.torch.f32   torchvision's eval transform: Resize(256) (bilinear, antialias), CenterCrop(224), ToTensor,
                      Normalize(ImageNet mean, std) -> float32 [3, 224, 224]
  <photo>.squash.u8   keras.utils.load_img(path, target_size=(224, 224)) (interpolation 'nearest') -> uint8 [224, 224, 3] RGB
  <photo>.squash_bilinear.u8   the same with interpolation='bilinear'
Both open the file as those libraries do (PIL.Image.open, full decode) after ImageOps.exif_transpose and convert('RGB').
torchvision's transform is written out with Pillow calls (torchvision 0.14 transforms/functional_pil.py and functional.py):
the short side to 256, the long side int(256 * long / short); crop offsets int(round((side - 224) / 2.0)).
Usage: pillow_preprocessing.py OUT_DIR REPO_ROOT
"""
import json
import os
import sys

import numpy as np
from PIL import Image, ImageOps

OUT, ROOT = sys.argv[1], sys.argv[2]
SIZE, SHORT = 224, 256
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def load(path):
    with open(path, "rb") as f:
        image = Image.open(f)
        image.load()
    return ImageOps.exif_transpose(image).convert("RGB")


def torch_eval(image):
    w, h = image.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = SHORT, int(SHORT * long / short)
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    resized = image.resize((new_w, new_h), Image.BILINEAR)
    top = int(round((new_h - SIZE) / 2.0))
    left = int(round((new_w - SIZE) / 2.0))
    cropped = resized.crop((left, top, left + SIZE, top + SIZE))
    x = np.asarray(cropped, dtype=np.float32) / 255.0           # ToTensor: HWC bytes -> [0, 1]
    x = (x - MEAN) / STD                                          # Normalize
    return np.ascontiguousarray(x.transpose(2, 0, 1), dtype=np.float32)


def keras_load_img(image, resample=Image.NEAREST):
    if image.size != (SIZE, SIZE):
        image = image.resize((SIZE, SIZE), resample)
    return np.ascontiguousarray(np.asarray(image, dtype=np.uint8))


def main():
    os.makedirs(OUT, exist_ok=True)
    folder = os.path.join(ROOT, "samples", "images")
    photos = sorted(p for p in os.listdir(folder) if p.endswith((".jpg", ".png")))
    for name in photos:
        image = load(os.path.join(folder, name))
        torch_eval(image).tofile(os.path.join(OUT, name + ".torch.f32"))
        keras_load_img(image).tofile(os.path.join(OUT, name + ".squash.u8"))
        keras_load_img(image, Image.BILINEAR).tofile(os.path.join(OUT, name + ".squash_bilinear.u8"))
        print(f"  {name}: {image.size[0]}x{image.size[1]}", file=sys.stderr)
    with open(os.path.join(OUT, "photos.json"), "w") as f:
        json.dump(photos, f, indent=1)


if __name__ == "__main__":
    main()
