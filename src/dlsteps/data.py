"""Data: synthetic regression data, Fashion-MNIST, and minibatches from in-memory tensors."""

import gzip
import hashlib
import os
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from dlsteps import _checks


def synthetic_linear(
    w: Sequence[float] | torch.Tensor,
    b: float,
    num_examples: int,
    noise: float | Sequence[float] = 0.01,
    *,
    generator: torch.Generator,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw X ~ N(0, 1) of shape (n, d) and y = Xw + b + N(0, noise²) of shape (n, 1).

    With a list of noise levels, y has one column per level, (n, len(noise)): every column
    shares X and the same standard-normal draws, scaled by its σ, so that changing the noise
    changes only the noise, not the sample.
    """
    _checks.int_in_range("num_examples", num_examples, 1)
    noises = [noise] if isinstance(noise, int | float) else list(noise)
    if not noises:
        raise ValueError("noise must be a number or a non-empty list of numbers, got []")
    for sigma in noises:
        _checks.non_negative_finite("noise", sigma)
    w = torch.as_tensor(w, dtype=torch.float32).reshape(-1, 1)  # (d, 1)
    if w.numel() == 0 or not torch.isfinite(w).all():
        raise ValueError(
            f"w must be a non-empty list of finite numbers, got {w.flatten().tolist()}"
        )
    b = _checks.finite("b", b)
    X = torch.randn(num_examples, w.shape[0], generator=generator)  # (n, d)
    eps = torch.randn(num_examples, 1, generator=generator)  # (n, 1)
    return X, X @ w + b + eps * torch.tensor(noises, dtype=torch.float32)  # (n, G)


# The line of the loss-surface and robust-regression examples: y = 2x + 5 on x in [0, 15].
LINE_W, LINE_B, LINE_N, LINE_X_MAX = 2.0, 5.0, 100, 15.0


def line_data(
    noises: Sequence[float], *, seed: int, num_examples: int = LINE_N
) -> tuple[torch.Tensor, torch.Tensor]:
    """x ~ U[0, 15] of shape (n, 1) and Y = 2x + 5 + σ·ε of shape (n, len(noises))."""
    _checks.int_in_range("num_examples", num_examples, 1)
    if len(noises) == 0:
        raise ValueError("noises must be a non-empty list of numbers, got []")
    for sigma in noises:
        _checks.non_negative_finite("noises", sigma)
    gen = torch.Generator().manual_seed(seed)
    x = LINE_X_MAX * torch.rand(num_examples, 1, generator=gen)  # (n, 1)
    eps = torch.randn(num_examples, 1, generator=gen)  # (n, 1)
    return x, LINE_W * x + LINE_B + eps * torch.tensor(list(noises), dtype=torch.float32)


def minibatches(
    X: torch.Tensor,
    y: torch.Tensor,
    batch_size: int,
    *,
    generator: torch.Generator | None = None,
    shuffle: bool = True,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield (X[idx], y[idx]) batches of ``batch_size`` rows; the last batch may be smaller."""
    if X.ndim == 0 or X.shape[0] == 0:
        raise ValueError("X must hold at least one example, got 0 rows")
    if y.shape[:1] != X.shape[:1]:
        raise ValueError(f"y must have {X.shape[0]} rows to match X, got shape {tuple(y.shape)}")
    _checks.int_in_range("batch_size", batch_size, 1, X.shape[0])
    n = X.shape[0]
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)
    for start in range(0, n, batch_size):
        idx = order[start : start + batch_size].to(X.device)
        yield X[idx], y[idx]


# --- Fashion-MNIST ------------------------------------------------------------------------------

FASHION_CLASSES = ("t-shirt", "trouser", "pullover", "dress", "coat",
                   "sandal", "shirt", "sneaker", "bag", "ankle boot")  # fmt: skip
# MD5 of each *decompressed* IDX file. Debian's package recompresses the .gz files, so their
# .gz checksums differ from torchvision's list, but the data inside is byte for byte the same.
FASHION_MD5 = {
    "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
    "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
    "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
    "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
}
DATA_ENV = "DLSTEPS_DATA"
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")


class DataNotFoundError(FileNotFoundError):
    """No copy of the data set was found, and none could be downloaded."""


class CorruptFileError(ValueError):
    """A data file is truncated or altered: its checksum does not match."""


def torchvision_cache() -> Path:
    """Where torchvision data sets are usually kept: ``datasets`` in PyTorch's cache folder.

    That folder is found as PyTorch finds it: $TORCH_HOME, else $XDG_CACHE_HOME/torch, else
    ~/.cache/torch.
    """
    cache_home = os.environ.get("XDG_CACHE_HOME", "~/.cache")
    torch_home = os.environ.get("TORCH_HOME", os.path.join(cache_home, "torch"))
    return Path(torch_home).expanduser() / "datasets"


def _find_file(folder: Path, name: str) -> Path | None:
    """``name`` in folder or in its torchvision layout (FashionMNIST/raw), plain or .gz."""
    for sub in (folder / "FashionMNIST" / "raw", folder):
        for candidate in (sub / name, sub / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    return None


def fashion_mnist_sources(root: str | Path | None = None) -> list[tuple[str, Path]]:
    """The places searched for the four files, in order: argument, $DLSTEPS_DATA, cache, Debian."""
    if root is not None and not isinstance(root, str | os.PathLike):
        raise TypeError(f"root must be a folder (str or Path) or None, got {type(root).__name__}")
    places = [
        ("the root argument", root),
        (f"${DATA_ENV}", os.environ.get(DATA_ENV)),
        ("torchvision's cache", torchvision_cache()),
        ("Debian's package", DEBIAN_DIR),
    ]
    return [(label, Path(p).expanduser()) for label, p in places if p]


def locate_fashion_mnist(root: str | Path | None = None) -> tuple[str, dict[str, Path]] | None:
    """The first place holding all four files, and the files there; None if there is none."""
    for label, folder in fashion_mnist_sources(root):
        files = {name: _find_file(folder, name) for name in FASHION_MD5}
        if all(files.values()):
            return label, files
    return None


def _verified_bytes(path: Path, name: str) -> bytes:
    """The decompressed content of ``path``, checked against FASHION_MD5[name]."""
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError, zlib.error) as err:  # gzip.BadGzipFile is an OSError
        raise CorruptFileError(
            f"{path} cannot be read ({err}); delete it and get a new copy"
        ) from None
    if hashlib.md5(raw).hexdigest() != FASHION_MD5[name]:
        raise CorruptFileError(
            f"{path} is corrupt or truncated (MD5 mismatch); delete it and get a new copy"
        )
    return raw


def _download(cache: Path) -> dict[str, Path]:
    """Let torchvision download the files into ``cache``; a clear error when that fails."""
    import torchvision

    try:
        torchvision.datasets.FashionMNIST(cache, train=True, download=True)
        torchvision.datasets.FashionMNIST(cache, train=False, download=True)
    except (OSError, RuntimeError) as err:  # URLError is an OSError
        places = "\n".join(f"  - {label}: {folder}" for label, folder in fashion_mnist_sources())
        raise DataNotFoundError(
            "Fashion-MNIST was not found and could not be downloaded "
            f"({type(err).__name__}: {err}).\nSearched, in order:\n{places}\nTo get it:\n"
            "  - on Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist\n"
            f"  - or put the four IDX files (.gz or not) in a folder and set ${DATA_ENV} to it\n"
            "  - or connect to the internet and run again: torchvision downloads them"
        ) from None
    return {name: cache / "FashionMNIST" / "raw" / name for name in FASHION_MD5}


def fashion_mnist_root(root: str | Path | None = None) -> Path:
    """A torchvision root whose FashionMNIST/raw holds the four verified, decompressed files.

    Files found elsewhere, or compressed (Debian's), are verified and then written
    decompressed into torchvision's cache; a file that fails its checksum is never used.
    """
    found = locate_fashion_mnist(root)
    cache = torchvision_cache()
    files = found[1] if found else _download(cache)
    contents = {name: _verified_bytes(path, name) for name, path in files.items()}
    raw_dirs = {path.parent for path in files.values()}
    if (
        len(raw_dirs) == 1
        and all(p.suffix != ".gz" for p in files.values())
        and raw_dirs.pop().parts[-2:] == ("FashionMNIST", "raw")
    ):
        return _without_legacy_copy(files["train-images-idx3-ubyte"].parents[2])  # in place
    target = cache / "FashionMNIST" / "raw"
    target.mkdir(parents=True, exist_ok=True)
    for name, content in contents.items():
        tmp = target / f".{name}.partial"
        tmp.write_bytes(content)
        tmp.replace(target / name)  # atomic: a reader never sees half a file
    return _without_legacy_copy(cache)


def _without_legacy_copy(tv_root: Path) -> Path:
    """``tv_root``, unless it holds torchvision's old FashionMNIST/processed copy (< 0.9).

    torchvision's class loads that copy in preference to the raw files, unchecked.
    """
    processed = tv_root / "FashionMNIST" / "processed"
    if all((processed / name).is_file() for name in ("training.pt", "test.pt")):
        raise CorruptFileError(
            f"{processed} holds an old copy written by torchvision before 0.9, which torchvision "
            "would load instead of the checked files; delete that folder"
        )
    return tv_root


@dataclass(frozen=True)
class ImageSplit:
    """One split of an image data set as plain tensors."""

    X: torch.Tensor  # (n, 1, 28, 28) float32, or (n, 784) when flattened
    y: torch.Tensor  # (n,) int64 class indices


def load_fashion_mnist(
    root: str | Path | None = None,
    *,
    standardize: bool = False,
    flatten: bool = False,
    device: str | torch.device = "cpu",
) -> tuple[ImageSplit, ImageSplit]:
    """Train (60,000) and test (10,000) splits in memory, read by torchvision's reader.

    Pixels become floats in [0, 1] in one vectorised step; with ``standardize`` both splits are
    shifted and scaled by the training set's pixel mean and standard deviation.
    """
    import torchvision  # imported where used: importing it costs seconds

    tv_root = fashion_mnist_root(root)
    splits = []
    for train in (True, False):
        ds = torchvision.datasets.FashionMNIST(tv_root, train=train, download=False)
        splits.append((ds.data.to(device), ds.targets.to(device)))  # uint8 (n, 28, 28), int64
    (X_train, y_train), (X_test, y_test) = splits
    X_train, X_test = X_train.float().div_(255), X_test.float().div_(255)
    if standardize:
        mean, std = X_train.mean(), X_train.std()
        X_train, X_test = (X_train - mean) / std, (X_test - mean) / std
    shape = (-1, 784) if flatten else (-1, 1, 28, 28)
    return (ImageSplit(X_train.reshape(shape), y_train), ImageSplit(X_test.reshape(shape), y_test))


def fashion_mnist_loader(
    root: str | Path | None = None,
    *,
    train: bool = True,
    batch_size: int = 256,
    num_workers: int = 4,
    seed: int = 0,
) -> torch.utils.data.DataLoader:
    """The common per-image pipeline: PIL image -> ToTensor in worker processes, for comparison."""
    _checks.int_in_range("batch_size", batch_size, 1)
    _checks.int_in_range("num_workers", num_workers, 0)
    import torchvision

    dataset = torchvision.datasets.FashionMNIST(
        fashion_mnist_root(root), train=train, transform=torchvision.transforms.ToTensor()
    )
    return torch.utils.data.DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=train,
        num_workers=num_workers,
        generator=torch.Generator().manual_seed(seed),
    )


def class_subset(split: ImageSplit, per_class: int) -> ImageSplit:
    """The first ``per_class`` examples of every class, in their original order."""
    _checks.int_in_range("per_class", per_class, 1)
    if split.y.ndim != 1 or len(split.y) == 0:
        raise ValueError(f"split.y must be 1-D and non-empty, got shape {tuple(split.y.shape)}")
    keep = (
        torch.cat([torch.nonzero(split.y == c).flatten()[:per_class] for c in split.y.unique()])
        .sort()
        .values
    )
    return ImageSplit(split.X[keep], split.y[keep])


def add_outliers(
    y: torch.Tensor, count: int, size: float, *, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """A copy of y with ``count`` labels shifted up by ``size``; also their indices.

    One-sided, like most real contamination (a sensor that sometimes adds a fixed offset, a unit
    typed wrong), which is what pulls a least-squares fit. The positions depend only on the
    generator, so a larger ``count`` keeps the outliers of a smaller one.
    """
    _checks.int_in_range("count", count, 0, len(y))
    size = _checks.non_negative_finite("size", size)
    idx = torch.randperm(len(y), generator=generator)[:count]
    y_out = y.clone()
    y_out[idx] += size
    return y_out, idx


def outlier_data(
    count: int, size: float, *, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The line data with noise σ = 1 and ``count`` labels shifted up by ``size``: x, y, indices."""
    x, y = line_data([1.0], seed=seed)
    y_out, idx = add_outliers(
        y[:, 0], count, size, generator=torch.Generator().manual_seed(seed + 1)
    )
    return x[:, 0], y_out, idx
