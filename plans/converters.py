class PeriodCodeConverter:
    """A quarter as written in URLs (2023-24-Q3), or a monthly plan's month (2022-05)."""

    regex = r"[0-9]{4}-[0-9]{2}-Q[1-4]|[0-9]{4}-(?:0[1-9]|1[0-2])"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# The largest key either database holds (a 64-bit signed integer, SQLite's and PostgreSQL's
# bigint alike).
LARGEST_ID = 2**63 - 1


class IdConverter:
    """A database id in a URL: a whole number the database can hold.

    Django's `int` takes any length, and a 30-digit number overflows the database (a 500 on
    SQLite). A number out of range is no match here, so the address is a 404 like any other
    id that names nothing.
    """

    regex = r"[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > LARGEST_ID:
            raise ValueError("out of the database's range")  # Django reads it as no match
        return number

    def to_url(self, value: int) -> str:
        return str(value)
