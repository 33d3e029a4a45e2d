"""Personal numbers encrypted at rest (身份证号码, 工会会员服务卡卡号, 银行卡号, 发放卡号): the one place that decides
how they are stored.

- Each value is encrypted with AES-256-GCM (``cryptography``), the column name as associated data, and stored
  as ``<key id>:<base64url(nonce + ciphertext + tag)>``; the key id names the key in ``DATA_KEYS`` (config.py),
  so keys can be rotated (``flask rotate-data-key`` re-encrypts in batches with the first key of the list).
- Beside each encrypted column a keyed hash (HMAC-SHA256 with ``DATA_LOOKUP_KEY``) of the clear value allows
  equality look-ups without decrypting: the first-time rule, its unique index, 进度查询, the register matching.
  Values of one kind (``id``, ``card``) hash alike whatever their column, so columns of a kind can be compared.
- ``EncryptedString`` does it transparently: Python reads and writes clear text; in SQL ``column == value``,
  ``!=``, ``in_()``, ``not_in()`` and ``is_(None)`` are rewritten onto the hash column; any other operator
  (LIKE, <, substr ...) is refused. ORDER BY / GROUP BY on them would sort ciphertext: do such work in Python.
- The hash (and any other column derived from the clear value, e.g. the birth date) is filled on every ORM
  flush and on every INSERT / UPDATE statement run through the session, bulk ones included.
"""
import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app, has_app_context
from sqlalchemy import String, bindparam, column, event, inspect, select
from sqlalchemy import table as plain_table
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.types import TypeDecorator

KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
#: Room for a key id, the nonce, 19 characters and the tag in base64url.
ENCRYPTED_LENGTH = 120
NONCE_BYTES = 12


class DataKeyError(RuntimeError):
    """A key setting is missing or malformed, or a value names a key that is not configured."""


def new_key():
    """A fresh 256-bit key in base64url (what DATA_KEYS and DATA_LOOKUP_KEY hold)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def _decode_key(text, what):
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise DataKeyError(f"{what}必须是 32 字节密钥的 base64url 编码")
    return raw


def parse_data_keys(setting):
    """'k2:BASE64,k1:BASE64' → (active key id, {key id: key}); the first key encrypts, all decrypt."""
    keys = {}
    active = None
    for part in (setting or "").split(","):
        part = part.strip()
        if not part:
            continue
        kid, _, text = part.partition(":")
        if not KEY_ID.match(kid) or not text:
            raise DataKeyError("DATA_KEYS 的格式应为“密钥编号:密钥”，多个以逗号分隔，第一个用于加密")
        if kid in keys:
            raise DataKeyError(f"DATA_KEYS 中密钥编号 {kid} 重复")
        keys[kid] = _decode_key(text, f"DATA_KEYS 中的密钥 {kid} ")
        active = active or kid
    if not keys:
        raise DataKeyError("未配置个人信息加密密钥 DATA_KEYS")
    return active, keys


@dataclass
class Keyring:
    active: str
    ciphers: dict
    lookup_key: bytes
    source: tuple
    #: {key id: raw key}: app/security/sealed.py derives the file keys from them.
    raw_keys: dict = field(default_factory=dict, repr=False)

    def encrypt(self, value, column):
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.ciphers[self.active].encrypt(nonce, value.encode("utf-8"), column.encode())
        return f"{self.active}:{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"

    def decrypt(self, stored, column):
        kid, sep, body = stored.partition(":")
        if not sep:
            return stored  # written before encryption (the migration converts these)
        cipher = self.ciphers.get(kid)
        if cipher is None:
            raise DataKeyError(f"个人信息由未配置的密钥 {kid} 加密，请在 DATA_KEYS 中保留该密钥")
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        try:
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], column.encode()).decode("utf-8")
        except InvalidTag:
            raise DataKeyError(f"个人信息密文校验失败（{column}）") from None

    def lookup(self, value, kind):
        return hmac.new(self.lookup_key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def keyring(app=None):
    """The keys of the current app (parsed once per setting)."""
    if app is None:
        if not has_app_context():
            raise DataKeyError("加解密个人信息需要应用上下文")
        app = current_app
    source = (app.config.get("DATA_KEYS"), app.config.get("DATA_LOOKUP_KEY"))
    ring = app.extensions.get("personal_keyring")
    if ring is None or ring.source != source:
        active, keys = parse_data_keys(source[0])
        if not source[1]:
            raise DataKeyError("未配置个人信息查询密钥 DATA_LOOKUP_KEY")
        ring = Keyring(active, {kid: AESGCM(key) for kid, key in keys.items()},
                       _decode_key(source[1], "DATA_LOOKUP_KEY "), source, keys)
        app.extensions["personal_keyring"] = ring
    return ring


def is_encrypted(stored):
    return stored is not None and ":" in stored


def key_id_of(stored):
    return stored.partition(":")[0] if is_encrypted(stored) else None


def lookup_hash(value, kind):
    """The keyed hash stored beside a personal number of ``kind`` ('id' or 'card'); None for no value."""
    if value is None:
        return None
    return keyring().lookup(value, kind)


class EncryptedString(TypeDecorator):
    """A personal number: encrypted in the database, clear in Python, compared through its hash column.

    ``column`` is the column's own name (the associated data of its ciphertext), ``kind`` the family its
    hash belongs to, ``lookup`` the name of the hash column in the same table; ``derived`` names further
    columns of the same table filled from the clear value: ((column name, function), ...).
    """

    impl = String(ENCRYPTED_LENGTH)
    cache_ok = True

    def __init__(self, column, kind, lookup, derived=()):
        super().__init__()
        self.column = column
        self.kind = kind
        self.lookup = lookup
        self.derived = tuple(derived)

    def process_bind_param(self, value, dialect):
        if value is None or value == "" or is_encrypted(value):
            return value
        return keyring().encrypt(str(value), self.column)

    def process_result_value(self, value, dialect):
        if value is None or value == "":
            return value
        return keyring().decrypt(value, self.column)

    def process_literal_param(self, value, dialect):
        raise NotImplementedError("个人号码不能以字面值写入 SQL")

    def derived_values(self, value):
        """{column name: value} of the hash and the derived columns for a clear ``value``."""
        values = {self.lookup: lookup_hash(value or None, self.kind)}
        for name, function in self.derived:
            values[name] = function(value) if value else None
        return values

    class comparator_factory(TypeDecorator.Comparator):
        def _lookup_column(self, expression=None):
            expression = self.expr if expression is None else expression
            table = getattr(expression, "table", None)
            if table is None or expression.type.lookup not in table.c:
                raise NotImplementedError(f"无法找到 {expression.type.column} 的查询哈希列")
            return table.c[expression.type.lookup]

        def _hash(self, value):
            if hasattr(value, "__clause_element__"):  # an ORM attribute
                value = value.__clause_element__()
            if isinstance(value, ColumnElement):
                if isinstance(value.type, EncryptedString):
                    if value.type.kind != self.expr.type.kind:
                        raise NotImplementedError("不同种类的个人号码不能相互比较")
                    return self._lookup_column(value)
                if isinstance(value, BindParameter) and value.value is not None:
                    return lookup_hash(value.value, self.expr.type.kind)
                raise NotImplementedError("个人号码只能与具体的值或同类加密列比较")
            if not isinstance(value, str):
                raise NotImplementedError("个人号码只能与字符串值比较")
            return lookup_hash(value, self.expr.type.kind)

        def operate(self, op, *other, **kwargs):
            column = self._lookup_column()
            if op in (operators.eq, operators.ne):
                (value,) = other
                if value is None:
                    return column.is_(None) if op is operators.eq else column.is_not(None)
                return op(column, self._hash(value))
            if op in (operators.in_op, operators.not_in_op):
                (values,) = other
                hashed = [self._hash(v) for v in values]
                return column.in_(hashed) if op is operators.in_op else column.not_in(hashed)
            if op in (operators.is_, operators.is_not):
                return op(column, *other)
            raise NotImplementedError(
                f"个人号码（{self.expr.type.column}）已加密，只能按等于、不等于或 IN 比较，不能 {getattr(op, '__name__', op)}")

        def reverse_operate(self, op, other, **kwargs):
            return self.operate(op, other, **kwargs)


# -- keeping the hash (and derived) columns in step -----------------------------------------------------

_mapper_columns = {}


def encrypted_columns(mapper):
    """[(attribute key, EncryptedString)] of a mapper (cached)."""
    found = _mapper_columns.get(mapper)
    if found is None:
        found = [(prop.key, prop.columns[0].type) for prop in mapper.column_attrs
                 if len(prop.columns) == 1 and isinstance(prop.columns[0].type, EncryptedString)]
        _mapper_columns[mapper] = found
    return found


def _column_key(mapper, name):
    return mapper.get_property_by_column(mapper.local_table.c[name]).key


@event.listens_for(Mapper, "before_insert")
def _fill_on_insert(mapper, _connection, target):
    for key, kind in encrypted_columns(mapper):
        for name, value in kind.derived_values(getattr(target, key)).items():
            setattr(target, _column_key(mapper, name), value)


@event.listens_for(Mapper, "before_update")
def _fill_on_update(mapper, _connection, target):
    state = inspect(target)
    for key, kind in encrypted_columns(mapper):
        if state.attrs[key].history.has_changes():
            for name, value in kind.derived_values(getattr(target, key)).items():
                setattr(target, _column_key(mapper, name), value)


def _table_of(statement):
    table = getattr(statement, "table", None)
    return table if getattr(table, "c", None) is not None else None


def _encrypted_in(table):
    return {column.name: column.type for column in table.c if isinstance(column.type, EncryptedString)}


def _with_derived(row, encrypted):
    """A copy of a parameter dict with the hash and derived columns of the encrypted values it holds."""
    extra = {}
    for name, kind in encrypted.items():
        if name in row:
            extra.update(kind.derived_values(row[name]))
    return {**row, **extra} if extra else row


@event.listens_for(Session, "do_orm_execute")
def _fill_statements(state):
    """INSERT / UPDATE statements run through the session (``update(Application).values(id_number=...)``,
    ``insert(table)`` with many parameter sets) get the hash and derived columns of the values they write."""
    if not (state.is_insert or state.is_update):
        return None
    table = _table_of(state.statement)
    if table is None:
        return None
    encrypted = _encrypted_in(table)
    if not encrypted:
        return None
    statement, params = state.statement, state.parameters
    values = getattr(statement, "_values", None) or {}
    extra = {}
    for key, bound in values.items():
        name = key if isinstance(key, str) else getattr(key, "name", None)
        if name in encrypted:
            if not isinstance(bound, BindParameter):
                raise NotImplementedError(f"个人号码（{name}）只能写入具体的值")
            extra.update(encrypted[name].derived_values(bound.value))
    if getattr(statement, "_multi_values", None):
        for rows in statement._multi_values:
            if any(isinstance(row, dict) and set(row) & set(encrypted) for row in rows):
                raise NotImplementedError("多行 VALUES 写入个人号码时请改用参数列表")
    changed = False
    if extra:
        statement = statement.values(**extra)
        changed = True
    if isinstance(params, dict) and set(params) & set(encrypted):
        params, changed = _with_derived(params, encrypted), True
    elif isinstance(params, (list, tuple)) and params and isinstance(params[0], dict) \
            and set(params[0]) & set(encrypted):
        params, changed = [_with_derived(row, encrypted) for row in params], True
    if not changed:
        return None
    return state.invoke_statement(statement=statement, params=params)


# -- key rotation ----------------------------------------------------------------------------------------

def encrypted_tables(metadata):
    """{table: {column name: EncryptedString}} of every table holding personal numbers."""
    found = {}
    for table in metadata.sorted_tables:
        columns = _encrypted_in(table)
        if columns:
            found[table] = columns
    return found


def seal_row(row, columns, ring):
    """{column: value} to write for one row ({column: stored value}) so that every personal number is under the
    active key with its hash and derived columns; empty when nothing needs writing."""
    changes = {}
    for name, kind in columns.items():
        stored = row[name]
        if not stored:
            continue
        if key_id_of(stored) != ring.active:
            clear = ring.decrypt(stored, kind.column)
            changes[name] = ring.encrypt(clear, kind.column)
            changes.update(kind.derived_values(clear))
    return changes


def reencrypt_all(session, metadata, batch=1000, progress=None):
    """Re-encrypt every personal number not under the active key (the first of DATA_KEYS), ``batch`` rows
    per transaction in id order, so the tables stay usable meanwhile. Returns {table name: rows rewritten}."""
    ring = keyring()
    counts = {}
    for table, columns in encrypted_tables(metadata).items():
        derived = sorted({name for kind in columns.values() for name in kind.derived_values(None)})
        # Plain string columns: read and write the stored text as it is.
        raw = plain_table(table.name, column("id"), *(column(name) for name in (*columns, *derived)))
        last, rewritten = 0, 0
        while True:
            rows = session.execute(select(raw.c.id, *(raw.c[name] for name in columns))
                                   .where(raw.c.id > last).order_by(raw.c.id).limit(batch)).mappings().all()
            if not rows:
                break
            for row in rows:
                changes = seal_row(row, columns, ring)
                if changes:
                    session.execute(raw.update().where(raw.c.id == bindparam("row_id"))
                                    .values({name: bindparam(name) for name in changes}),
                                    [{"row_id": row["id"], **changes}])
                    rewritten += 1
            session.commit()
            last = rows[-1]["id"]
            if progress:
                progress(table.name, last, rewritten)
        counts[table.name] = rewritten
    return counts
