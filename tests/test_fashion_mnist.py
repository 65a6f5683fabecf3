"""Fashion-MNIST on the real files (Debian's dataset-fashion-mnist): lookup, checks, pipeline."""

import shutil
import urllib.error
from pathlib import Path

import pytest
import torch

from dlsteps import data

NAMES = list(data.FASHION_MD5)


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Each test gets its own empty torchvision cache and no $DLSTEPS_DATA."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.delenv(data.DATA_ENV, raising=False)
    if not data.DEBIAN_DIR.is_dir():
        pytest.fail(f"{data.DEBIAN_DIR} is missing: sudo apt-get install dataset-fashion-mnist")


def copy_of_debian(folder):
    folder.mkdir(parents=True)
    for name in NAMES:
        shutil.copy(data.DEBIAN_DIR / f"{name}.gz", folder / f"{name}.gz")
    return folder


def decompressed_copy(root):
    """Debian's files, checked and decompressed into torchvision's layout under ``root``."""
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for name in NAMES:
        (raw / name).write_bytes(data._verified_bytes(data.DEBIAN_DIR / f"{name}.gz", name))
    return raw


@pytest.fixture(scope="module")
def splits(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("TORCH_HOME", str(tmp_path_factory.mktemp("torch")))
    yield data.load_fashion_mnist()
    mp.undo()


def test_shapes_dtypes_and_range(splits):
    train, test = splits
    assert train.X.shape == (60_000, 1, 28, 28) and test.X.shape == (10_000, 1, 28, 28)
    assert train.X.dtype == torch.float32 and train.y.dtype == torch.int64
    assert train.X.min() == 0 and train.X.max() == 1
    assert set(train.y.unique().tolist()) == set(range(10)) == set(test.y.unique().tolist())


def test_classes_are_balanced(splits):
    train, test = splits
    assert torch.bincount(train.y).tolist() == [6000] * 10
    assert torch.bincount(test.y).tolist() == [1000] * 10
    assert len(data.FASHION_CLASSES) == 10


def test_in_memory_pixels_equal_the_per_image_pipeline(splits):
    train, _ = splits
    dataset = data.fashion_mnist_loader(num_workers=0).dataset
    image, label = dataset[123]  # ToTensor on one PIL image
    assert torch.equal(image, train.X[123]) and label == train.y[123]


def test_standardize_and_flatten():
    train, test = data.load_fashion_mnist(standardize=True, flatten=True)
    assert train.X.shape == (60_000, 784) and test.X.shape == (10_000, 784)
    assert abs(train.X.mean().item()) < 1e-4 and abs(train.X.std().item() - 1) < 1e-4


def test_minibatches_of_images(splits):
    train, _ = splits
    batches = list(
        data.minibatches(train.X, train.y, 256, generator=torch.Generator().manual_seed(0))
    )
    assert len(batches) == 235 and batches[0][0].shape == (256, 1, 28, 28)
    assert batches[-1][0].shape == (60_000 - 234 * 256, 1, 28, 28)
    assert torch.bincount(torch.cat([y for _, y in batches])).tolist() == [6000] * 10


def test_corrupt_copy_is_rejected_by_name(tmp_path):
    folder = copy_of_debian(tmp_path / "copy")
    bad = folder / "t10k-labels-idx1-ubyte.gz"
    bad.write_bytes(bad.read_bytes()[:-100])  # truncated
    with pytest.raises(data.CorruptFileError, match=r"t10k-labels-idx1-ubyte\.gz"):
        data.load_fashion_mnist(root=folder)
    assert not (data.torchvision_cache() / "FashionMNIST").exists()  # nothing half-written


def test_altered_compressed_bytes_are_rejected_by_name(tmp_path):
    """Altered deflate data can fail inside zlib (zlib.error, not an OSError): still a
    CorruptFileError that names the file."""
    folder = copy_of_debian(tmp_path / "copy")
    bad = folder / "train-labels-idx1-ubyte.gz"
    content = bytearray(bad.read_bytes())
    for i in range(20, 60):
        content[i] ^= 0xFF
    bad.write_bytes(content)
    with pytest.raises(data.CorruptFileError, match=r"train-labels-idx1-ubyte\.gz"):
        data.load_fashion_mnist(root=folder)


def test_altered_decompressed_file_fails_its_checksum(tmp_path):
    raw = decompressed_copy(tmp_path / "tv")
    content = bytearray((raw / NAMES[0]).read_bytes())
    content[5000] ^= 0xFF  # one flipped byte
    (raw / NAMES[0]).write_bytes(content)
    with pytest.raises(data.CorruptFileError, match=r"train-images-idx3-ubyte is corrupt"):
        data.fashion_mnist_root(tmp_path / "tv")


def test_a_legacy_processed_copy_beside_the_checked_files_is_refused(tmp_path):
    """torchvision < 0.9 wrote FashionMNIST/processed/*.pt; torchvision's class loads those
    instead of the checked raw files, so a stale or altered copy was used without a word."""
    raw = decompressed_copy(tmp_path / "tv")
    processed = raw.parent / "processed"
    processed.mkdir()
    fake = (torch.zeros(5, 28, 28, dtype=torch.uint8), torch.zeros(5, dtype=torch.int64))
    for name in ("training.pt", "test.pt"):
        torch.save(fake, processed / name)
    with pytest.raises(data.CorruptFileError, match=r"FashionMNIST/processed"):
        data.load_fashion_mnist(root=tmp_path / "tv")


def test_lookup_order(tmp_path, monkeypatch):
    arg = copy_of_debian(tmp_path / "arg")
    env = copy_of_debian(tmp_path / "env")
    copy_of_debian(data.torchvision_cache() / "FashionMNIST" / "raw")
    monkeypatch.setenv(data.DATA_ENV, str(env))
    assert data.locate_fashion_mnist(arg)[0] == "the root argument"
    assert data.locate_fashion_mnist(None)[0] == f"${data.DATA_ENV}"
    monkeypatch.delenv(data.DATA_ENV)
    assert data.locate_fashion_mnist(None)[0] == "torchvision's cache"
    shutil.rmtree(data.torchvision_cache())
    assert data.locate_fashion_mnist(tmp_path / "empty")[0] == "Debian's package"


def test_no_copy_and_no_network_gives_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "DEBIAN_DIR", tmp_path / "no-debian-package")
    calls = []

    def offline(self):
        calls.append(self.root)
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr("torchvision.datasets.FashionMNIST.download", offline)
    with pytest.raises(data.DataNotFoundError) as info:
        data.load_fashion_mnist()
    message = str(info.value)
    assert calls, "a download was not even tried"
    for hint in ("sudo apt-get install dataset-fashion-mnist", "$DLSTEPS_DATA", "internet"):
        assert hint in message
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_the_torchvision_cache_is_where_pytorch_keeps_its_cache(monkeypatch, tmp_path):
    """$TORCH_HOME first, then $XDG_CACHE_HOME/torch, then ~/.cache/torch, as PyTorch does."""
    import torch.hub

    monkeypatch.delenv("TORCH_HOME", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data.torchvision_cache() == Path(torch.hub._get_torch_home()) / "datasets"
    assert data.torchvision_cache() == tmp_path / "xdg" / "torch" / "datasets"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert data.torchvision_cache() == Path.home() / ".cache" / "torch" / "datasets"
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    assert data.torchvision_cache() == tmp_path / "th" / "datasets"
