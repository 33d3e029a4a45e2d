"""Files encrypted at rest (app/security/sealed.py): written and read in chunks, refused when changed, cut,
extended or under a key no longer configured; a streamed workbook goes through it; `flask seal-files` seals
files written before and `flask rotate-data-key` re-seals them under the new key."""
import io
import os
import random
import struct
import tracemalloc

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from app.exports.xlsx import Column, write_xlsx
from app.security import personal, sealed
from app.security.personal import new_key
from tests.ids import unique_id_number


def test_round_trip_over_several_chunks(app, db, tmp_path):
    data = os.urandom(sealed.CHUNK * 2 + 12345)
    path = tmp_path / "f.bin"
    with sealed.open_writer(path) as out:
        for start in range(0, len(data), 70000):  # written in pieces of any size
            out.write(data[start:start + 70000])
    on_disk = path.read_bytes()
    assert on_disk.startswith(sealed.FILE_MAGIC) and data[:64] not in on_disk
    assert sealed.read_bytes(path) == data
    assert b"".join(sealed.stream(path)) == data
    assert sealed.key_id_of(path) == personal.keyring().active
    assert (path.stat().st_mode & 0o777) == 0o600
    with pytest.raises(FileExistsError):
        sealed.open_writer(path)  # never overwrites


@pytest.mark.parametrize("size", [0, 10, sealed.CHUNK])
def test_edge_sizes(app, db, tmp_path, size):
    path = tmp_path / "f.bin"
    sealed.write_bytes(path, b"x" * size)
    assert sealed.read_bytes(path) == b"x" * size


def _corruptions(blob):
    header = len(sealed.FILE_MAGIC) + 1 + blob[len(sealed.FILE_MAGIC)] + sealed.PREFIX_BYTES
    first = struct.unpack(">I", blob[header:header + 4])[0]
    flipped = bytearray(blob)
    flipped[header + 4 + 100] ^= 1
    return {
        "changed": bytes(flipped),
        "cut after the first chunk": blob[:header + 4 + first],
        "cut inside a chunk": blob[:-10],
        "extended": blob + blob[header:header + 4 + first],
        "chunks swapped": blob[:header] + blob[header + 4 + first:] + blob[header:header + 4 + first],
    }


def test_changed_cut_extended_or_reordered_files_are_refused(app, db, tmp_path):
    path = tmp_path / "f.bin"
    sealed.write_bytes(path, os.urandom(sealed.CHUNK + 5000))
    for name, blob in _corruptions(path.read_bytes()).items():
        bad = tmp_path / "bad.bin"
        bad.write_bytes(blob)
        with pytest.raises(sealed.SealedFileError):
            sealed.read_bytes(bad)
        print(name, "refused")


def test_a_file_under_a_key_no_longer_configured_is_refused(app, db, tmp_path):
    path = tmp_path / "f.bin"
    sealed.write_bytes(path, b"secret")
    old = app.config["DATA_KEYS"]
    app.config["DATA_KEYS"] = f"k7:{new_key()}"
    try:
        with pytest.raises(sealed.SealedFileError, match="未配置的密钥"):
            sealed.read_bytes(path)
    finally:
        app.config["DATA_KEYS"] = old


def _write_workbook(path, count, number):
    noise = random.Random(15)
    rows = ([f"职工{n}", number if n == 7 else f"{n:018d}", f"{noise.getrandbits(160):040x}"] for n in range(count))
    tracemalloc.start()
    try:
        with sealed.open_writer(path) as out:
            written = write_xlsx(out, [Column("姓名", 10), Column("身份证号码", 20, "text"), Column("备注", 40)], rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert written == count
    return peak


def test_a_streamed_workbook_is_written_encrypted_with_flat_memory(app, db, tmp_path):
    number = unique_id_number()
    small, large = tmp_path / "small.xlsx", tmp_path / "large.xlsx"
    small_peak = _write_workbook(small, 30000, number)
    large_peak = _write_workbook(large, 120000, number)
    print(f"{small.stat().st_size} bytes: peak {small_peak}; {large.stat().st_size} bytes: peak {large_peak}")
    assert large.stat().st_size > 3 * small.stat().st_size > sealed.CHUNK
    # Four times the rows, the same memory: the workbook is zipped, encrypted and written as it goes.
    assert large_peak < small_peak + sealed.CHUNK
    assert large.read_bytes().startswith(sealed.FILE_MAGIC)
    sheet = load_workbook(io.BytesIO(sealed.read_bytes(large)), read_only=True).active
    assert list(sheet.iter_rows(min_row=9, max_row=9, values_only=True))[0][1] == number


def test_seal_files_and_rotation_reseal_kept_files(app, db, tmp_path):
    uploads, results = tmp_path / "uploads", tmp_path / "results"
    (uploads / "register").mkdir(parents=True)
    results.mkdir()
    app.config.update(UPLOAD_DIR=str(uploads), JOB_RESULT_DIR=str(results))
    clear = {uploads / "scan.png": b"\x89PNG old scan", uploads / "register" / "errors-1-abc.xlsx": b"PK old",
             results / "3-abc.xlsx": b"PK old result"}
    for path, data in clear.items():
        path.write_bytes(data)
    # Files written before encryption are read as they are ...
    assert all(sealed.read_bytes(p) == d for p, d in clear.items())
    runner = CliRunner()
    result = runner.invoke(app.cli, ["seal-files"], catch_exceptions=False)
    assert result.exit_code == 0 and "加密 2 个文件" in result.output and "加密 1 个文件" in result.output
    for path, data in clear.items():  # ... until sealed
        assert path.read_bytes().startswith(sealed.FILE_MAGIC) and sealed.read_bytes(path) == data
    assert "加密 0 个文件" in runner.invoke(app.cli, ["seal-files"]).output  # nothing left to do
    old = app.config["DATA_KEYS"]
    app.config["DATA_KEYS"] = f"k9:{new_key()},{old}"
    try:
        result = runner.invoke(app.cli, ["rotate-data-key"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert all(sealed.key_id_of(p) == "k9" for p in clear)
        app.config["DATA_KEYS"] = app.config["DATA_KEYS"].split(",")[0]  # the old key can go
        assert all(sealed.read_bytes(p) == d for p, d in clear.items())
    finally:
        app.config["DATA_KEYS"] = old
        personal.keyring(app)
