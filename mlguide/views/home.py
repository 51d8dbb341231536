"""What the home page counts: the guide's totals, shown as its big figures."""

from __future__ import annotations

from dataclasses import dataclass

from ..validate import Content


@dataclass(frozen=True)
class Totals:
    """How much the guide covers, each figure counted from the content, never typed in."""

    cities: int
    sectors: int
    employers: int  # employers and institutions, counted once per city they are listed in
    open_roles: int

    @classmethod
    def of(cls, content: Content, open_roles: int) -> Totals:
        return cls(len(content.cities), len(content.sectors),
                   sum(len(c.employers) for c in content.cities), open_roles)

    @property
    def digest(self) -> str:
        """What the page shows of them, for the route's key."""
        return f"totals:{self.cities}:{self.sectors}:{self.employers}:{self.open_roles}"
