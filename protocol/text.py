"""Unicode handling common to every wire format: all text travels as NFC."""
import unicodedata
from typing import Annotated

from pydantic import AfterValidator


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


NFCStr = Annotated[str, AfterValidator(nfc)]
