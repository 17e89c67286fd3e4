"""Decompression bombs: a small PDF whose streams inflate to far more than any paper is refused, at add and at run."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from pipeline import errors
from pipeline.extract import pdffile
from pipeline.extract.pdf import read_pdf


def bomb_pdf(path: Path, mb: int, *, in_image: bool = False, layers: int = 1, content_mb: int = 0) -> Path:
    """A one-page PDF whose content stream (or image) is `mb` MB of zeros, FlateDecoded `layers` times, streamed."""
    packer = zlib.compressobj(9)
    block = b" " * 2**20 if not in_image else b"\0" * 2**20
    data = b"".join(packer.compress(block) for _ in range(mb)) + packer.flush()
    for _ in range(layers - 1):
        data = zlib.compress(data, 9)
    filters = "[" + " /FlateDecode" * layers + " ]"
    content = data if not in_image else b"q 100 0 0 100 0 0 cm /Im1 Do Q"
    content_dict = f"<< /Length {len(content)} /Filter {filters} >>" if not in_image else f"<< /Length {len(content)} >>"
    if in_image and content_mb:  # a content stream of blanks besides the image
        content = zlib.compress(content + b" " * content_mb * 2**20, 9)
        content_dict = f"<< /Length {len(content)} /Filter /FlateDecode >>"
    side = int((mb * 2**20) ** 0.5)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>",
        content_dict.encode() + b"\nstream\n" + content + b"\nendstream",
        (f"<< /Type /XObject /Subtype /Image /Width {side} /Height {side} /ColorSpace /DeviceGray /BitsPerComponent 8 "
         f"/Length {len(data)} /Filter {filters} >>").encode() + b"\nstream\n" + data + b"\nendstream"
        if in_image else b"<< /Length 0 >>\nstream\n\nendstream",
    ]  # fmt: skip
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


@pytest.fixture
def small_bounds(monkeypatch):
    """Bounds of 4 MB a stream and 12 MB a file, so bombs of tens of MB stand for the GB ones."""
    monkeypatch.setattr(pdffile, "MAX_STREAM_BYTES", 4 * 2**20)
    monkeypatch.setattr(pdffile, "MAX_DECODED_BYTES", 12 * 2**20)


@pytest.mark.parametrize("kind", [{}, {"in_image": True}, {"layers": 2}])
def test_pdfbomb_refused_at_add(corpus, tree, tmp_path, small_bounds, kind):
    """A ~1 MB PDF inflating to ~1 GB took 2.1 GB in `add` and was accepted as a scan."""
    from pipeline.corpus.add import add_paper

    pdf = bomb_pdf(tmp_path / "bomb.pdf", 32, **kind)
    assert pdf.stat().st_size < 200_000
    before = tree(corpus)
    with pytest.raises(errors.InputError, match=r"inflates to more than 4 MB, far past any real paper .*: refused"):
        add_paper(corpus, pdf)
    assert tree(corpus) == before


def test_pdfbomb_refused_at_run_time_extraction(tmp_path, small_bounds):
    """The run's extraction opens PDFs the same way: a bomb is a failed paper, not a 2.6 GB worker."""
    with pytest.raises(errors.InputError, match="decompression bomb"):
        read_pdf(bomb_pdf(tmp_path / "bomb.pdf", 32))


def test_pdfbomb_total_bound(tmp_path, monkeypatch):
    """Streams each under the stream bound, together over the file bound."""
    monkeypatch.setattr(pdffile, "MAX_STREAM_BYTES", 8 * 2**20)
    monkeypatch.setattr(pdffile, "MAX_DECODED_BYTES", 8 * 2**20)
    pdf = bomb_pdf(tmp_path / "two.pdf", 5, in_image=True, content_mb=5)
    with pytest.raises(errors.InputError, match="its streams inflate to more than 8 MB in all"):
        pdffile.pdf_info(pdf)


def test_pdfbomb_real_bounds_leave_a_normal_pdf(pdfs):
    """The default bounds are past any real paper: the fixtures' PDFs open as before."""
    assert pdffile.MAX_STREAM_BYTES == 256 * 2**20 and pdffile.MAX_DECODED_BYTES == 2 * 2**30
    assert pdffile.pdf_info(pdfs.plain).pages >= 1


def test_pdfbomb_a_1gb_bomb_is_refused_quickly(tmp_path):
    """The real thing at the real bounds: ~1 MB on disk, 1 GB inflated, refused after reading 256 MB in chunks."""
    pdf = bomb_pdf(tmp_path / "gb.pdf", 1024)
    assert pdf.stat().st_size < 2 * 2**20
    with pytest.raises(errors.InputError, match="more than 256 MB"):
        pdffile.pdf_info(pdf)
