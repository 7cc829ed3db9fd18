"""Synthetic identifiers: people's names and phones, credit codes, order and waybill numbers."""

from __future__ import annotations

import random

from youpin.demo.vocab import GIVEN_NAMES, SURNAMES, WAYBILL_SHAPES

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def person_name(rng: random.Random) -> str:
    """A synthetic Chinese name: a family name and a given name."""
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def phone(rng: random.Random) -> str:
    """A synthetic mobile number in the block 13x9555xxxx, which the demo uses for everyone."""
    return f"13{rng.randint(0, 9)}9555{rng.randint(0, 9999):04d}"


def credit_code(rng: random.Random, admin_code: str, kind: str) -> str:
    """A well-formed synthetic credit code (GB 32100); kind 91 firm, 92 individual, 93 co-op."""
    body = [rng.randrange(10) for _ in range(8)]
    org_check = 11 - sum(d * w for d, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    org = "".join(map(str, body)) + {10: "X", 11: "0"}.get(org_check, str(org_check))
    first17 = f"{kind}{admin_code[:6]}{org}"
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    check = (31 - total % 31) % 31
    return first17 + _USCC_CHARS[check]


class Scrambler:
    """Maps serial numbers 0, 1, 2 … to distinct, random-looking numbers of a fixed width."""

    def __init__(self, width: int, rng: random.Random) -> None:
        """Pick a multiplier coprime to 10**width and an offset from the generator."""
        self.modulus = 10**width
        self.width = width
        multiplier = rng.randrange(self.modulus // 3, self.modulus - 1)
        while multiplier % 2 == 0 or multiplier % 5 == 0:
            multiplier += 1
        self.multiplier = multiplier
        self.offset = rng.randrange(self.modulus)

    def __call__(self, serial: int) -> str:
        """The serial's number, zero-padded; distinct for distinct serials below 10**width."""
        return f"{(serial * self.multiplier + self.offset) % self.modulus:0{self.width}d}"


class WaybillMaker:
    """Waybill numbers in each carrier's common shape, unique per carrier."""

    def __init__(self, rng: random.Random) -> None:
        """One scrambler and one counter per carrier."""
        self._shapes = {
            code: (prefix, Scrambler(digits, rng))
            for code, (prefix, digits) in WAYBILL_SHAPES.items()
        }
        self._next = dict.fromkeys(WAYBILL_SHAPES, 0)

    def __call__(self, carrier: str) -> str:
        """The next waybill number of a carrier."""
        prefix, scrambler = self._shapes[carrier]
        serial = self._next[carrier]
        self._next[carrier] = serial + 1
        return prefix + scrambler(serial)
