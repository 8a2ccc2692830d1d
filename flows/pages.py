"""Long lists a page at a time (DAFTAR, the console's inbox and audit log)."""


def pages_of(count: int, size: int) -> int:
    """How many pages `count` rows fill at `size` a page (one, empty, when there are none)."""
    return max((count + size - 1) // size, 1)


def page_within(asked: int, count: int, size: int) -> int:
    """The page to show when `asked` was asked for: from 1 to the last page."""
    return min(max(asked, 1), pages_of(count, size))
