"""The Language enum: documented BCP-47 codes, usable as strings."""

from voxpipe.transcriptions.language import Language


def test_codes_and_lookup():
    assert Language("en-US") is Language.EN_US
    assert Language.EN == "en" and str(Language.DE_DE) == "de-DE"
    assert Language.PT_BR.base == "pt"
    assert Language.ES_419.value == "es-419"
