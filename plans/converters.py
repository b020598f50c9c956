class PeriodCodeConverter:
    """A quarter as written in URLs: 2023-24-Q3."""

    regex = r"[0-9]{4}-[0-9]{2}-Q[1-4]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
