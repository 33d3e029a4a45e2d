"""Files encrypted at rest, streamed in authenticated chunks: the one implementation for every file the platform
writes with personal data in it (job results such as a 汇总表, register uploads and error workbooks, attachment
scans) and for ``flask backup`` archives.

Format: ``MAGIC`` (8 bytes), a header (the app's files: the length and name of the key id; backups: none),
an 8-byte random prefix, then chunks of at most ``CHUNK`` clear bytes, each stored as its length (4 bytes) and
its AES-256-GCM ciphertext with tag. A chunk's nonce is the prefix and its number; its associated data binds
the magic, the header, the prefix, its number and whether it is the last, so a changed, reordered, cut or
extended file is refused. Writing and reading hold one chunk in memory whatever the file's size.

The app's files are encrypted under a key derived (HKDF-SHA256) from the data key of ``DATA_KEYS`` named in the
header (app/security/personal.py): the first key encrypts, every configured key decrypts, so ``flask
rotate-data-key`` re-seals the kept files with the new key.
"""
import hashlib
import io
import logging
import os
import struct
from pathlib import Path
from urllib.parse import quote

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Response

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
#: Files the app writes (job results, uploads, scans).
FILE_MAGIC = b"JISHIFE1"
PREFIX_BYTES = 8
_SIZE = struct.Struct(">I")


class SealedFileError(RuntimeError):
    """A sealed file that cannot be read: ``reason`` is 'format', 'truncated' or 'tampered' (wrong key too)."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason


def _aad(magic, header, prefix, counter, last):
    return magic + header + prefix + struct.pack(">I?", counter, last)


class SealedWriter(io.RawIOBase):
    """A write-only binary file that encrypts what is written into ``raw`` chunk by chunk; ``close`` writes the
    last chunk (and closes ``raw``). Not seekable: zipfile then writes a streamed archive (data descriptors)."""

    def __init__(self, raw, key, magic, header=b""):
        super().__init__()
        self._raw, self._cipher, self._magic, self._header = raw, AESGCM(key), magic, header
        self._prefix = os.urandom(PREFIX_BYTES)
        self._buffer, self._counter, self._written = bytearray(), 0, 0
        raw.write(magic + header + self._prefix)

    def writable(self):
        return True

    def tell(self):
        return self._written

    def write(self, data):
        if self.closed:
            raise ValueError("write to a closed file")
        data = memoryview(data).cast("B")
        self._buffer += data
        self._written += len(data)
        # A chunk is written only once more data follows it, so the last one is known at close.
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _seal(self, chunk, last):
        nonce = self._prefix + struct.pack(">I", self._counter)
        sealed = self._cipher.encrypt(nonce, chunk, _aad(self._magic, self._header, self._prefix, self._counter, last))
        self._raw.write(_SIZE.pack(len(sealed)) + sealed)
        self._counter += 1

    def close(self):
        if self.closed:
            return
        try:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._raw.close()
        finally:
            super().close()

    def abandon(self):
        """Close without the last chunk (the file stays unreadable as cut)."""
        if not self.closed:
            self._raw.close()
            super().close()


class SealedReader(io.RawIOBase):
    """A read-only binary file giving the clear bytes of a sealed ``raw`` file; ``keys`` maps the header's key id
    to its key (``header_of`` reads the header), or is the key itself for files without a header."""

    def __init__(self, raw, keys, magic, *, header_of=None):
        super().__init__()
        self._raw, self._magic = raw, magic
        if raw.read(len(magic)) != magic:
            raw.close()
            raise SealedFileError("format", "文件格式不对（不是本系统加密的文件）")
        self._header, key = header_of(raw, keys) if header_of else (b"", keys)
        self._prefix = raw.read(PREFIX_BYTES)
        if len(self._prefix) != PREFIX_BYTES:
            raw.close()
            raise SealedFileError("truncated", "文件不完整（被截断）")
        self._cipher = AESGCM(key)
        self._counter, self._pending, self._done = 0, b"", False
        self._next_size = self._read_size()

    def readable(self):
        return True

    def _read_size(self):
        size = self._raw.read(_SIZE.size)
        if not size:
            return None
        if len(size) != _SIZE.size:
            raise SealedFileError("truncated", "文件不完整（被截断）")
        return _SIZE.unpack(size)[0]

    def _next_chunk(self):
        if self._next_size is None:
            if self._counter == 0 or not self._done:
                raise SealedFileError("truncated", "文件不完整（被截断）")
            return b""
        sealed = self._raw.read(self._next_size)
        if len(sealed) != self._next_size:
            raise SealedFileError("truncated", "文件不完整（被截断）")
        self._next_size = self._read_size()
        last = self._next_size is None
        nonce = self._prefix + struct.pack(">I", self._counter)
        try:
            clear = self._cipher.decrypt(nonce, sealed,
                                         _aad(self._magic, self._header, self._prefix, self._counter, last))
        except InvalidTag:
            raise SealedFileError("tampered", "文件校验失败：密钥不对，或文件已被修改、截断") from None
        self._counter += 1
        self._done = last
        return clear

    def readinto(self, buffer):
        while not self._pending:
            if self._done:
                return 0
            self._pending = self._next_chunk()
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def chunks(self):
        """The clear content chunk by chunk (at most CHUNK bytes each)."""
        if self._pending:
            yield self._pending
            self._pending = b""
        while not self._done:
            chunk = self._next_chunk()
            if chunk:
                yield chunk

    def close(self):
        if not self.closed:
            self._raw.close()
        super().close()


# -- the app's files ------------------------------------------------------------------------------------

def _file_key(data_key):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"jishi sealed files").derive(data_key)


def _file_keys(ring):
    """{key id: file key} derived from the keyring's data keys (cached on the keyring)."""
    keys = getattr(ring, "_file_keys", None)
    if keys is None:
        keys = {kid: _file_key(raw) for kid, raw in ring.raw_keys.items()}
        ring._file_keys = keys
    return keys


def _read_key_id(raw, keys):
    length = raw.read(1)
    kid = raw.read(length[0]) if length else b""
    if not length or len(kid) != length[0]:
        raw.close()
        raise SealedFileError("truncated", "文件不完整（被截断）")
    key = keys.get(kid.decode("ascii", "replace"))
    if key is None:
        raw.close()
        raise SealedFileError("tampered", f"文件由未配置的密钥 {kid.decode('ascii', 'replace')} 加密")
    return length + kid, key


def _ring():
    # The data keys; imported late (personal.py needs nothing of this module).
    from app.security.personal import keyring

    return keyring()


def open_writer(path, mode=0o600):
    """A new sealed file at ``path`` (refused if it exists) under the active data key; use it as a context
    manager or close it: the file is complete only then."""
    ring = _ring()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    kid = ring.active.encode("ascii")
    return SealedWriter(os.fdopen(fd, "wb"), _file_keys(ring)[ring.active], FILE_MAGIC, bytes([len(kid)]) + kid)


def _open(path):
    """A SealedReader of ``path``, or the plain file when it was written before files were encrypted (``flask
    seal-files`` encrypts those)."""
    raw = open(path, "rb")  # noqa: SIM115 (closed with the reader)
    if raw.peek(len(FILE_MAGIC))[:len(FILE_MAGIC)] != FILE_MAGIC:
        return raw
    return SealedReader(raw, _file_keys(_ring()), FILE_MAGIC, header_of=_read_key_id)


def open_reader(path):
    """The clear content of the file ``path`` as a buffered binary file (decrypted in 1 MiB chunks)."""
    reader = _open(path)
    return reader if isinstance(reader, io.BufferedReader) else io.BufferedReader(reader, buffer_size=CHUNK)


def stream(path):
    """A generator of the clear content of ``path`` chunk by chunk, for a streamed response (the file is
    opened at once, so a missing or unreadable file fails before the response starts)."""
    reader = _open(path)

    def chunks():
        with reader:
            if isinstance(reader, SealedReader):
                yield from reader.chunks()
            else:
                yield from iter(lambda: reader.read(CHUNK), b"")
    return chunks()


def sha256_of(path):
    """SHA-256 of the clear content of ``path``."""
    digest = hashlib.sha256()
    for chunk in stream(path):
        digest.update(chunk)
    return digest.hexdigest()


def download(path, file_name, ascii_name, mimetype, inline=False):
    """A streamed response of the clear content of ``path`` named ``file_name`` (``ascii_name`` for old
    clients), a download unless ``inline``, decrypted chunk by chunk as it is sent; None when the file is
    missing or unreadable."""
    try:
        chunks = stream(path)
    except FileNotFoundError:
        return None
    except (OSError, SealedFileError):
        logger.exception("sealed file %s unreadable", Path(path).name)
        return None
    response = Response(chunks, mimetype=mimetype)  # needs no context: the key is in the open reader
    response.headers["Content-Disposition"] = (
        f"{'inline' if inline else 'attachment'}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}")
    response.headers["Cache-Control"] = "no-store"
    return response


def write_bytes(path, data, mode=0o600):
    with open_writer(path, mode) as out:
        out.write(data)


def read_bytes(path):
    with open_reader(path) as reader:
        return reader.read()


def is_sealed(path):
    with open(path, "rb") as f:
        return f.read(len(FILE_MAGIC)) == FILE_MAGIC


def key_id_of(path):
    """The key id a sealed file names (None for a clear file)."""
    with open(path, "rb") as f:
        if f.read(len(FILE_MAGIC)) != FILE_MAGIC:
            return None
        length = f.read(1)
        return f.read(length[0]).decode("ascii", "replace") if length else None


def reseal(path, *, only_if_not_active=True):
    """Rewrite ``path`` sealed under the active key (a clear file gets sealed; one under the active key is left
    alone). The new file replaces the old one atomically. Returns whether it was rewritten."""
    path = Path(path)
    ring = _ring()
    kid = key_id_of(path)
    if only_if_not_active and kid == ring.active:
        return False
    temporary = path.with_name(f".{path.name}.reseal")
    temporary.unlink(missing_ok=True)
    source = open_reader(path)
    try:
        with source, open_writer(temporary, path.stat().st_mode & 0o777) as out:
            for block in iter(lambda: source.read(CHUNK), b""):
                out.write(block)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    os.replace(temporary, path)
    return True


def seal_folder(folder):
    """Seal under the active key every file below ``folder`` that is clear or under an older key (``flask
    seal-files``, ``flask rotate-data-key``), one file at a time while the app runs. Returns (files rewritten,
    names of files that could not be read)."""
    folder = Path(folder)
    rewritten, unreadable = 0, []
    if not folder.is_dir():
        return rewritten, unreadable
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        try:
            rewritten += reseal(path)
        except FileNotFoundError:
            continue  # deleted meanwhile (an expired result, a purged upload)
        except (OSError, SealedFileError) as exc:
            unreadable.append(f"{path.relative_to(folder)}（{exc}）")
    return rewritten, unreadable


# -- archives with their own key (flask backup) ---------------------------------------------------------

def seal_stream(source, target, key, magic):
    """Copy the open binary file ``source`` sealed under ``key`` into the open binary file ``target``."""
    writer = SealedWriter(_Unclosed(target), key, magic)
    with writer:
        for block in iter(lambda: source.read(CHUNK), b""):
            writer.write(block)


def unseal_stream(source, target, key, magic):
    """Copy the clear content of the open sealed file ``source`` into ``target``."""
    reader = SealedReader(_Unclosed(source), key, magic)
    with reader:
        for chunk in reader.chunks():
            target.write(chunk)


class _Unclosed:
    """A file whose ``close`` is left to its owner."""

    def __init__(self, f):
        self._f = f

    def __getattr__(self, name):
        return getattr(self._f, name)

    def close(self):
        pass
