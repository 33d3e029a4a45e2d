"""Enums whose members are stable codes in the database and carry their Chinese title for the screen."""
import enum


class TitledEnum(str, enum.Enum):
    """``Member = ("code", "中文标题")``: the value is the code; ``.title`` the title; ``choices()`` the pairs."""

    def __new__(cls, code, title):
        member = str.__new__(cls, code)
        member._value_ = code
        member._title = title
        return member

    @property
    def title(self):
        return self._title

    @classmethod
    def title_of(cls, code):
        """The title of a stored code; an unknown code reads as itself."""
        try:
            return cls(code).title
        except ValueError:
            return code

    @classmethod
    def choices(cls, members=None):
        """(code, title) pairs for a select field, in declaration order."""
        return [(m.value, m.title) for m in (members or cls)]
